import type { LoadResult } from './load';

/** The target every ratio is taken against (measured in the same invocation). */
export const BASELINE_TARGET = 'apollo-gateway';

/** One target × operation of the throughput pass, with the counting pass's figures. */
export interface CellResult {
  operationId: string;
  operation: string;
  target: string;
  /** Absent when the cell could not be measured (see `problem`). */
  load?: LoadResult;
  /** req/s against the baseline target for the same operation. */
  ratio?: number;
  /** Request line plus body, no headers. */
  requestBytes: number;
  requestLineBytes: number;
  /** Body bytes of the reply. */
  responseBytes: number;
  /** Per HTTP request (a batch is one request), from the counting pass: requests to the domain subgraphs. */
  fetchesPerRequest?: number;
  /** Requests to the experience subgraph over HTTP (anchors; a BFF runs it in-process). */
  experienceFetchesPerRequest?: number;
  sqlPerRequest?: number;
  problem?: string;
  /** Why the cell is not like for like (measured all the same), e.g. an anchor on the domain supergraph. */
  caveat?: string;
}

export interface ListSizeResult {
  operationId: string;
  operation: string;
  target: string;
  sizes: { first: number; fetchesPerRequest: number; experienceFetchesPerRequest?: number; sqlPerRequest: number }[];
}

/** The target for the BFF's own latency on a one-fetch query. */
export const OVERHEAD_TARGET_MS = 0.3;

/** The overhead row's middle line: a proxy that only forwards (anchors/hop-floor-proxy.ts). */
export const HOP_FLOOR_TARGET = 'hop floor (proxy)';

/** One side of the BFF overhead pair. */
export interface OverheadCell {
  /** `web-bff`, or `<subgraph> (direct)`. */
  target: string;
  load?: LoadResult;
  requestBytes: number;
  responseBytes: number;
  fetchesPerRequest?: number;
  sqlPerRequest?: number;
  /**
   * Requests the subgraph served during the load (warm-up and window) per response the load
   * generator got: 1 for the direct call; below 1 when the BFF deduplicated identical fetches in flight.
   */
  fetchesPerRequestUnderLoad?: number;
  problem?: string;
}

/**
 * A one-fetch operation through its BFF and the same query straight to that subgraph, one
 * after the other in the same run, with the same load settings.
 */
export interface OverheadResult {
  operationId: string;
  operation: string;
  /** The subgraph of the one fetch. */
  subgraph: string;
  connections: number;
  direct: OverheadCell;
  /** The same request through a proxy that only forwards: one more process and hop, no gateway work. */
  hop?: OverheadCell;
  bff: OverheadCell;
  /** The BFF's p50 minus the direct p50, ms (both measured). */
  p50OverheadMs?: number;
  /** The hop floor's p50 minus the direct p50, ms. */
  hopP50OverheadMs?: number;
  p50TargetMs: number;
}

export interface RssEntry {
  name: string;
  /** `cached-bff`: a BFF with its cache on, not part of the stack's sum. */
  kind: 'bff' | 'cached-bff' | 'anchor' | 'subgraph';
  /** VmRSS of the process, KiB, at the end of its load (subgraphs: at the end of the run's last load). */
  rssKiB: number;
  /** With its child processes (tsx's esbuild service), KiB. */
  treeRssKiB: number;
}

export interface BenchReport {
  version: 1;
  startedAt: string;
  settings: { quick: boolean; connections: number; warmupSeconds: number; durationSeconds: number; countingRequests: number; overheadConnections?: number[] };
  environment: { node: string; cpus: number; loadAverageAtStart: number[]; host: string };
  targets: { name: string; describe: string }[];
  results: CellResult[];
  listSizes: ListSizeResult[];
  /** The BFF overhead pair at each connection count (empty when left out). */
  overhead: OverheadResult[];
  rss: RssEntry[];
  /** Sum over the stack we ship: the five subgraphs plus both BFFs (each BFF at the end of its load). */
  stackRssKiB?: number;
  notes: string[];
  skipped: string[];
}

/**
 * Sets each cell's ratio of req/s to the baseline's for the same operation; none for a cell
 * (or against a baseline) with a caveat: it ran a different operation.
 */
export function withRatios(results: readonly CellResult[], baseline = BASELINE_TARGET): CellResult[] {
  const base = new Map(results.filter((r) => r.target === baseline && r.load && r.load.rps > 0 && !r.caveat).map((r) => [r.operationId, r.load!.rps]));
  return results.map((r) => {
    const rps = base.get(r.operationId);
    const { ratio: _old, ...rest } = r;
    return rps !== undefined && r.load && !r.caveat ? { ...rest, ratio: r.load.rps / rps } : rest;
  });
}

/** One operation through a BFF with its cache on, beside the same BFF without, from one run. */
export interface CachePair {
  operation: string;
  /** The uncached BFF's target name (`web-bff`); the cached one is `<bff>-cached`. */
  bff: string;
  /** Cached req/s over uncached req/s. */
  ratio: number;
  fetchesUncached?: number;
  fetchesCached?: number;
}

/** Every operation measured through both a BFF and the same BFF with its cache on. */
export function cachePairs(results: readonly CellResult[]): CachePair[] {
  const pairs: CachePair[] = [];
  for (const cached of results) {
    if (!cached.target.endsWith('-cached') || !cached.load) continue;
    const bff = cached.target.slice(0, -'-cached'.length);
    const uncached = results.find((r) => r.target === bff && r.operationId === cached.operationId && r.load && r.load.rps > 0);
    if (!uncached) continue;
    pairs.push({ operation: cached.operation, bff, ratio: cached.load.rps / uncached.load!.rps, fetchesUncached: uncached.fetchesPerRequest, fetchesCached: cached.fetchesPerRequest });
  }
  return pairs;
}

/** The stack's RSS: every subgraph plus every BFF, or undefined if one of them was not measured. */
export function stackRss(entries: readonly RssEntry[], subgraphCount: number, bffCount = 2): number | undefined {
  const subgraphs = entries.filter((e) => e.kind === 'subgraph');
  const bffs = entries.filter((e) => e.kind === 'bff');
  if (subgraphs.length !== subgraphCount || bffs.length !== bffCount) return undefined;
  return [...subgraphs, ...bffs].reduce((sum, e) => sum + e.rssKiB, 0);
}

export function formatRate(rps: number): string {
  return rps >= 100 ? rps.toFixed(0) : rps.toFixed(1);
}

export function formatRatio(ratio: number | undefined): string {
  return ratio === undefined ? '-' : `${ratio.toFixed(2)}x`;
}

/** Integers as they are, anything else with one decimal. */
export function formatCount(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Fetches to the domain subgraphs, plus those to an experience subgraph over HTTP: `2+1`. */
export function formatFetches(domain: number | undefined, experience: number | undefined): string {
  return experience ? `${formatCount(domain)}+${formatCount(experience)}` : formatCount(domain);
}

/** A difference in ms with its sign, two decimals. */
export function formatDelta(ms: number | undefined): string {
  return ms === undefined || Number.isNaN(ms) ? '-' : `${ms >= 0 ? '+' : '-'}${Math.abs(ms).toFixed(2)} ms`;
}

export function formatMiB(kib: number | undefined): string {
  return kib === undefined ? '-' : `${(kib / 1024).toFixed(0)} MiB`;
}

/** Plain-text table: numbers right-aligned, text left-aligned, columns as wide as their widest cell. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const loadProblems = (l: LoadResult | undefined) => (l && l.non2xx + l.errors + l.timeouts > 0 ? `${l.non2xx} non-2xx, ${l.errors} errors, ${l.timeouts} timeouts` : '');

/**
 * Against the target: only while the BFF still sends one fetch per request; when it
 * deduplicates identical fetches in flight (many connections, one query), its p50 measures
 * that, not its overhead.
 */
function verdict(r: OverheadResult): string {
  if (r.p50OverheadMs === undefined) return '';
  if (r.bff.fetchesPerRequestUnderLoad !== undefined && r.bff.fetchesPerRequestUnderLoad < 0.95) return ' (deduplicated)';
  return r.p50OverheadMs <= r.p50TargetMs ? ' (within)' : ' (over)';
}

/** The BFF overhead table: per connection count, the direct call, then the BFF with its p50 minus the direct one. */
export function formatOverhead(results: readonly OverheadResult[]): string[] {
  const [first] = results;
  if (!first) return [];
  const rows = results.flatMap((r) =>
    [r.direct, ...(r.hop ? [r.hop] : []), r.bff].map((c, i) => {
      const l = c.load;
      const overhead = c === r.bff ? `${formatDelta(r.p50OverheadMs)}${verdict(r)}` : c === r.hop ? formatDelta(r.hopP50OverheadMs) : '';
      return [
        i === 0 ? String(r.connections) : '',
        c.target,
        l ? formatRate(l.rps) : 'n/a',
        l ? l.p50.toFixed(2) : '-',
        l ? l.p95.toFixed(2) : '-',
        l ? l.p99.toFixed(2) : '-',
        String(c.responseBytes),
        String(c.requestBytes),
        formatCount(c.fetchesPerRequest),
        c.fetchesPerRequestUnderLoad === undefined ? '-' : c.fetchesPerRequestUnderLoad.toFixed(2),
        formatCount(c.sqlPerRequest),
        overhead,
        c.problem ?? loadProblems(l),
      ];
    }),
  );
  return [
    `BFF overhead: ${first.operation} through its BFF, and the same query POSTed straight to the ${first.subgraph} subgraph (its one fetch), and through the hop floor (a proxy that only forwards), taking turns in five slices of the window in this run, to 127.0.0.1, each side's p50 the median of its slices'; target: at most ${first.p50TargetMs} ms more at p50 (under load = ${first.subgraph} requests per response during the load):`,
    renderTable(
      ['connections', 'target', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'resp B', 'req B', 'fetches/req', 'under load', 'SQL/req', 'p50 overhead', 'problems'],
      rows,
      [true, false, true, true, true, true, true, true, true, true, true, true, false],
    ),
  ];
}

/** The report as printed: throughput table, list sizes, RSS, notes. */
export function formatReport(report: BenchReport): string {
  const out: string[] = [];
  const s = report.settings;
  out.push(
    `${s.connections} connections, ${s.warmupSeconds}s warm-up + ${s.durationSeconds}s measured per cell; fetches/SQL from a separate counting pass (${s.countingRequests} requests per cell)` +
      `; node ${report.environment.node}, ${report.environment.cpus} CPUs, load average at start ${report.environment.loadAverageAtStart.map((l) => l.toFixed(1)).join(' ')}`,
  );
  out.push('');
  let previous = '';
  const rows = report.results.map((r) => {
    const first = r.operation !== previous;
    previous = r.operation;
    const l = r.load;
    return [
      first ? r.operation : '',
      r.target,
      l ? formatRate(l.rps) : 'n/a',
      formatRatio(r.ratio),
      l ? l.p50.toFixed(1) : '-',
      l ? l.p95.toFixed(1) : '-',
      l ? l.p99.toFixed(1) : '-',
      String(r.responseBytes),
      String(r.requestBytes),
      formatFetches(r.fetchesPerRequest, r.experienceFetchesPerRequest),
      formatCount(r.sqlPerRequest),
      r.problem ?? ([loadProblems(l), r.caveat].filter(Boolean).join('; ')),
    ];
  });
  out.push(
    renderTable(
      ['operation', 'target', 'req/s', 'vs apollo', 'p50 ms', 'p95 ms', 'p99 ms', 'resp B', 'req B', 'fetches/req', 'SQL/req', 'problems'],
      rows,
      [false, false, true, true, true, true, true, true, true, true, true, false],
    ),
  );
  if (report.overhead.length > 0) out.push('', ...formatOverhead(report.overhead));
  if (report.listSizes.length > 0) {
    const sizes = report.listSizes[0]!.sizes.map((size) => size.first);
    out.push('', `Per request at two list sizes (counting pass): fetches and SQL statements should not grow with first:`);
    out.push(
      renderTable(
        ['operation', 'target', ...sizes.flatMap((first) => [`fetches first:${first}`, `SQL first:${first}`])],
        report.listSizes.map((r) => [r.operation, r.target, ...r.sizes.flatMap((size) => [formatFetches(size.fetchesPerRequest, size.experienceFetchesPerRequest), formatCount(size.sqlPerRequest)])]),
        [false, false, ...sizes.flatMap(() => [true, true])],
      ),
    );
  }
  if (report.rss.length > 0) {
    out.push('', 'RSS (VmRSS) at the end of each target\'s load; subgraphs at the end of the last load:');
    const rss = report.rss.map((e) => [e.name, e.kind, formatMiB(e.rssKiB), formatMiB(e.treeRssKiB)]);
    const subgraphs = report.rss.filter((e) => e.kind === 'subgraph');
    if (subgraphs.length > 0) rss.push([`subgraphs (${subgraphs.length})`, 'sum', formatMiB(subgraphs.reduce((sum, e) => sum + e.rssKiB, 0)), formatMiB(subgraphs.reduce((sum, e) => sum + e.treeRssKiB, 0))]);
    rss.push(['stack: subgraphs + web BFF + mobile BFF', 'sum', formatMiB(report.stackRssKiB), '']);
    out.push(renderTable(['process', 'kind', 'RSS', 'with children'], rss, [false, false, true, true]));
  }
  if (report.notes.length > 0) out.push('', 'Notes:', ...report.notes.map((n) => `- ${n}`));
  if (report.skipped.length > 0) out.push('', 'Skipped:', ...report.skipped.map((n) => `- ${n}`));
  return out.join('\n');
}
