import { BASELINE_TARGET, cachePairs, formatCount, formatRate, renderTable, type BenchReport } from './report';

/**
 * What several rounds of `npm run bench` say together (`--rounds N`): this machine is
 * shared and noisy, so a ratio is claimed from the median of the rounds' ratios, with their
 * range beside it. Each round is a whole run (fresh processes), like the guild runner's.
 */
export interface RoundsSummary {
  rounds: number;
  cells: {
    operation: string;
    target: string;
    rps: number[];
    medianRps?: number;
    /** Each round's req/s over stock @apollo/gateway's for the same operation in that round. */
    ratios: number[];
    medianRatio?: number;
    medianP50Ms?: number;
  }[];
  overhead: { connections: number; bffMs: number[]; medianBffMs?: number; hopMs: number[]; medianHopMs?: number }[];
  /** Each BFF with its cache on over the same BFF without, per operation: each round's ratio. */
  cache: { operation: string; bff: string; ratios: number[]; medianRatio?: number; fetchesUncached?: number; fetchesCached?: number }[];
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summariseRounds(reports: readonly BenchReport[]): RoundsSummary {
  const cells: RoundsSummary['cells'] = [];
  for (const report of reports) {
    for (const result of report.results) {
      let cell = cells.find((c) => c.operation === result.operation && c.target === result.target);
      if (!cell) cells.push((cell = { operation: result.operation, target: result.target, rps: [], ratios: [] }));
      if (!result.load) continue;
      cell.rps.push(result.load.rps);
      if (result.ratio !== undefined) cell.ratios.push(result.ratio);
    }
  }
  for (const cell of cells) {
    cell.medianRps = median(cell.rps);
    cell.medianRatio = median(cell.ratios);
    const p50s = reports.flatMap((r) => r.results.filter((x) => x.operation === cell.operation && x.target === cell.target && x.load).map((x) => x.load!.p50));
    cell.medianP50Ms = median(p50s);
  }
  const overhead: RoundsSummary['overhead'] = [];
  for (const report of reports) {
    for (const result of report.overhead) {
      let row = overhead.find((o) => o.connections === result.connections);
      if (!row) overhead.push((row = { connections: result.connections, bffMs: [], hopMs: [] }));
      if (result.p50OverheadMs !== undefined) row.bffMs.push(result.p50OverheadMs);
      if (result.hopP50OverheadMs !== undefined) row.hopMs.push(result.hopP50OverheadMs);
    }
  }
  for (const row of overhead) {
    row.medianBffMs = median(row.bffMs);
    row.medianHopMs = median(row.hopMs);
  }
  const cache: RoundsSummary['cache'] = [];
  for (const report of reports) {
    for (const pair of cachePairs(report.results)) {
      let row = cache.find((c) => c.operation === pair.operation && c.bff === pair.bff);
      if (!row) cache.push((row = { operation: pair.operation, bff: pair.bff, ratios: [] }));
      row.ratios.push(pair.ratio);
      row.fetchesUncached = pair.fetchesUncached;
      row.fetchesCached = pair.fetchesCached;
    }
  }
  for (const row of cache) row.medianRatio = median(row.ratios);
  return { rounds: reports.length, cells, overhead, cache };
}

const range = (values: readonly number[], digits: number, unit = '') =>
  values.length === 0 ? '-' : `${Math.min(...values).toFixed(digits)}${unit}–${Math.max(...values).toFixed(digits)}${unit}`;
const signed = (ms: number | undefined) => (ms === undefined ? '-' : `${ms >= 0 ? '+' : ''}${ms.toFixed(2)}`);

export function formatRounds(summary: RoundsSummary): string {
  const out = [
    `Over ${summary.rounds} rounds (each a whole run): medians, and the range of the per-round ratios (vs ${BASELINE_TARGET} in the same round):`,
    renderTable(
      ['operation', 'target', 'req/s per round', 'median req/s', 'vs apollo', 'ratio range', 'median p50 ms'],
      summary.cells.map((c, i) => [
        i > 0 && summary.cells[i - 1]!.operation === c.operation ? '' : c.operation,
        c.target,
        c.rps.map(formatRate).join(' / ') || 'n/a',
        c.medianRps === undefined ? 'n/a' : formatRate(c.medianRps),
        c.medianRatio === undefined ? '' : `${c.medianRatio.toFixed(2)}x`,
        c.target === BASELINE_TARGET ? '' : range(c.ratios, 2, 'x'),
        c.medianP50Ms === undefined ? '-' : c.medianP50Ms.toFixed(1),
      ]),
      [false, false, false, true, true, false, true],
    ),
  ];
  if (summary.overhead.length > 0) {
    out.push(
      '',
      'BFF overhead over the direct call, p50 ms, per round and median (the hop floor: a proxy that only forwards):',
      renderTable(
        ['connections', 'BFF per round', 'BFF median', 'hop floor per round', 'hop floor median'],
        summary.overhead.map((o) => [String(o.connections), o.bffMs.map(signed).join(' / ') || '-', signed(o.medianBffMs), o.hopMs.map(signed).join(' / ') || '-', signed(o.medianHopMs)]),
        [true, false, true, false, true],
      ),
    );
  }
  if (summary.cache.length > 0) {
    out.push(
      '',
      'Each BFF with its cache on (<bff>-cached) over the same BFF without, req/s per round, median and range; subgraph fetches per request (the last round):',
      renderTable(
        ['operation', 'BFF', 'x uncached per round', 'median', 'range', 'fetches/req uncached', 'cached'],
        summary.cache.map((c) => [
          c.operation,
          c.bff,
          c.ratios.map((r) => r.toFixed(2)).join(' / '),
          c.medianRatio === undefined ? '-' : `${c.medianRatio.toFixed(2)}x`,
          range(c.ratios, 2, 'x'),
          formatCount(c.fetchesUncached),
          formatCount(c.fetchesCached),
        ]),
        [false, false, false, true, false, true, true],
      ),
    );
  }
  return out.join('\n');
}
