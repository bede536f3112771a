import type { LoadResult } from './load';
import { formatRate, renderTable } from './report';
import type { OperationCost, UsageCostResult } from './usage-reporting-cost';
import { BFF_KEYS_PER_REPORT_CAP, storageFigures, type UsageStorageResult } from './usage-storage';

/** Median of the values (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function range(values: readonly number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

type Metric = 'rps' | 'p50' | 'p99';

/** One metric of an operation over its rounds: median and range of on and off, the ratio of the medians, the range of the per-round ratios. */
export function compare(cost: OperationCost, metric: Metric) {
  const on = cost.rounds.map((r) => r.on[metric]);
  const off = cost.rounds.map((r) => r.off[metric]);
  const ratios = cost.rounds.map((r) => r.on[metric] / r.off[metric]);
  return { on: { median: median(on), range: range(on) }, off: { median: median(off), range: range(off) }, ratio: median(on) / median(off), roundRatios: range(ratios) };
}

const ms = (value: number) => value.toFixed(1);
const ratio = (value: number) => `×${value.toFixed(3)}`;
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const signed = (value: number) => (value > 0 ? `+${count(value)}` : count(value));

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

/** Responses that were not 2xx, plus connection errors and timeouts, over every run of an operation (both BFFs, priming included). */
export function unsuccessfulResponses(cost: OperationCost): number {
  return [cost.priming.on, cost.priming.off, ...cost.rounds.flatMap((r) => [r.onTotals, r.offTotals])].reduce((sum, t) => sum + t.non2xx + t.errors, 0);
}

const problems = (load: LoadResult) => `${load.non2xx}/${load.errors + load.timeouts}`;

/** Part 1 in full: every round, then each operation's medians and ratios, then the accounting. */
export function formatCost(result: UsageCostResult, settings: { connections: number; warmupSeconds: number; durationSeconds: number }): string {
  const out: string[] = [];
  out.push(`Part 1: the cost of usage reporting: two BFFs per client in registry mode, NODE_ENV=production, USAGE_REPORTING=on (report every 10 s) and off,`);
  out.push(`loaded one after the other per round (ABBA), ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s measured per run.`);
  out.push('');
  const rows = result.operations.flatMap((cost) =>
    cost.rounds.map((r) => [
      r.round === 1 ? cost.label : '',
      String(r.round),
      r.first,
      formatRate(r.on.rps),
      formatRate(r.off.rps),
      ratio(r.on.rps / r.off.rps),
      ms(r.on.p50),
      ms(r.off.p50),
      ms(r.on.p99),
      ms(r.off.p99),
      problems(r.on),
      problems(r.off),
    ]),
  );
  out.push(
    renderTable(
      ['operation', 'round', 'first', 'on req/s', 'off req/s', 'on/off', 'on p50 ms', 'off p50 ms', 'on p99 ms', 'off p99 ms', 'on non-2xx/err', 'off non-2xx/err'],
      rows,
      [false, true, false, true, true, true, true, true, true, true, true, true],
    ),
  );
  out.push('(non-2xx/err of the measured window; every response of every run is checked below)');
  out.push('');
  for (const cost of result.operations) {
    out.push(`${cost.label}, ${cost.rounds.length} rounds:`);
    for (const [metric, label, format] of [
      ['rps', 'req/s  ', formatRate],
      ['p50', 'p50 ms ', ms],
      ['p99', 'p99 ms ', ms],
    ] as const) {
      const c = compare(cost, metric);
      out.push(
        `  ${label} on median ${format(c.on.median)} (${format(c.on.range[0])}–${format(c.on.range[1])}), off median ${format(c.off.median)} (${format(c.off.range[0])}–${format(c.off.range[1])}); ` +
          `on/off of medians ${ratio(c.ratio)}, per round ${ratio(c.roundRatios[0])}–${ratio(c.roundRatios[1])}`,
      );
    }
    const all = [cost.priming.on, cost.priming.off, ...cost.rounds.flatMap((r) => [r.onTotals, r.offTotals])];
    const responses = all.reduce((sum, t) => sum + t.answered, 0);
    const non2xx = all.reduce((sum, t) => sum + t.non2xx, 0);
    const errors = all.reduce((sum, t) => sum + t.errors, 0);
    out.push(`  every response of every run (both BFFs, priming runs and warm-ups included): ${count(responses)}, non-2xx ${non2xx}, connection errors/timeouts ${errors}${non2xx + errors > 0 ? '  <-- NOT ALL 2xx' : ''}`);
  }
  out.push('');
  out.push(`Accounting: what the load generator got answered by the "on" BFF, against what the registry recorded for it.`);
  for (const cost of result.operations) {
    const r = cost.reconciliation;
    if (!r) continue;
    const unexplained = r.difference - r.abandoned;
    out.push(`${cost.label}:`);
    out.push(`  answered by the "on" BFF: ${count(r.answered)} (1 reply check + every load response: priming, warm-ups, windows and tails; non-2xx ${r.non2xx}, errors ${r.errors})`);
    out.push(`  recorded by the registry: ${count(r.registryRecorded)} (${r.registryKeys.join('; ') || 'no rows'}), settled ${r.settledAfterSeconds.toFixed(1)} s after the "on" BFF's last run: ${r.settledBecause}`);
    out.push(`  difference (recorded - answered): ${signed(r.difference)}; requests abandoned in flight when a run stopped: ${count(r.abandoned)}`);
    out.push(
      `  => ${
        unexplained === 0
          ? r.difference === 0
            ? 'they match exactly'
            : `they match up to the ${count(r.abandoned)} requests abandoned in flight: one per connection at the end of each run, which the BFF ran and reported but whose replies autocannon no longer read`
          : `${signed(unexplained)} not explained by abandoned requests`
      }`,
    );
  }
  for (const [client, outcomes] of Object.entries(result.reportsByClient)) {
    out.push(`${client} "on" BFF's usage reports: ${Object.entries(outcomes).map(([outcome, n]) => `${outcome} ${n}`).join(', ')}`);
  }
  return out.join('\n');
}

/** Part 2 in full. */
export function formatStorage(result: UsageStorageResult): string {
  const f = storageFigures(result);
  const { compact, asStored } = result;
  const out: string[] = [];
  out.push(`Part 2: the registry's storage per ${count(result.requests)} requests over ${result.days} days (registry code in-process over a fresh PGlite, reports POSTed to /usage).`);
  out.push(`Key set (${result.keySet.keysPerDay} keys a day, ${result.keySet.operations} distinct operations with coordinates):`);
  for (const line of result.keySet.description) out.push(`  ${line}`);
  out.push(
    `Reports: ${count(result.reportsSent)} in ${result.sendSeconds.toFixed(1)} s: ${result.replicas} BFF replicas per client, each ${result.reportsPerReplicaPerDay} reports a day (a real one reports every 10 s: ` +
      `more, smaller reports, the same rows; only the dead row versions left by the updates differ, which "as stored" shows and VACUUM FULL removes).`,
  );
  out.push(`Recorded: ${count(result.recordedRequests)} requests in usage_daily${result.recordedRequests === result.requests ? ' (all of them)' : `  <-- expected ${count(result.requests)}`}.`);
  out.push('');
  const size = (label: string, s: typeof compact.daily) => [label, count(s.rows), formatBytes(s.totalBytes), formatBytes(s.heapBytes), formatBytes(s.indexBytes), `${Math.round(s.totalBytes / Math.max(1, s.rows))} B`];
  out.push(
    renderTable(
      ['table (pg_total_relation_size)', 'rows', 'total', 'heap', 'indexes', 'per row'],
      [
        size('usage_daily, compact (VACUUM FULL)', compact.daily),
        size('usage_operations, compact', compact.operations),
        size('usage_daily, as stored', asStored.daily),
        size('usage_operations, as stored', asStored.operations),
        size(`usage_daily, ${count(result.longKeySample.rows)} distinct 64-char keys`, result.longKeySample.daily),
      ],
      [false, true, true, true, true, true],
    ),
  );
  out.push('(PostgreSQL allocates whole 8 KiB pages, so a small table\'s per-row figure is an upper bound: usage_operations has a row per operation, not per request)');
  out.push('');
  out.push(`Per million requests under this key set: ${formatBytes(f.bytesPerMillionCompact)} compact (both tables; ${formatBytes(f.bytesPerMillionAsStored)} as stored before vacuum).`);
  out.push(`  It grows with distinct keys a day, not with requests: ten million requests over the same keys take the same rows.`);
  out.push(`For contrast, one row per request: 1,000,000 rows × ${Math.round(f.dailyBytesPerRow)} B = ${formatBytes(f.worstCaseBytes)} (${(f.worstCaseBytes / f.bytesPerMillionCompact).toFixed(0)}× the key set's).`);
  out.push(
    `Worst case, every request its own (operation, version) key within a day: 1,000,000 rows, the same ${formatBytes(f.worstCaseBytes)} at ${Math.round(f.dailyBytesPerRow)} B a row, ` +
      `${formatBytes(f.worstCaseBytesLongLabels)} with client name and version at the 64-character maximum (${Math.round(f.longKeyBytesPerRow)} B a row, measured).`,
  );
  out.push(
    `  The BFF's cap (${count(BFF_KEYS_PER_REPORT_CAP)} keys a report) does not lower that: a million requests in ${result.days} days is ${f.millionPerWindowRps.toFixed(2)} req/s on average, ` +
      `far below ${count(BFF_KEYS_PER_REPORT_CAP)} distinct keys per replica per 10 s. The cap bounds a BFF's memory and a report's size; the registry's rows ` +
      `are bounded only by ${count(BFF_KEYS_PER_REPORT_CAP)} × reports, i.e. ${count(f.capRowsPerReplicaPerDay)} rows per replica per day (≈ ${formatBytes(f.capRowsPerReplicaPerDay * f.dailyBytesPerRow)} a day at ${Math.round(f.dailyBytesPerRow)} B a row), ` +
      `and it starts dropping keys only when one replica sees more than ${count(BFF_KEYS_PER_REPORT_CAP)} distinct keys in 10 s.`,
  );
  out.push(
    `  Distinct keys that are distinct operations (web: any text through APQ) add a usage_operations row each as well, with its coordinates ` +
      `(the BFF sends at most 100 operations' coordinates a report); the figures above count usage_daily only for the worst case.`,
  );
  return out.join('\n');
}

/** The closing block: the figures that matter, and the command that made them. */
export function formatSummary(input: {
  command: string;
  environment: string;
  seconds: number;
  cost?: UsageCostResult;
  storage?: UsageStorageResult;
}): string {
  const out: string[] = [];
  const bar = '='.repeat(100);
  out.push(bar);
  out.push('SUMMARY: usage reporting, its cost on a BFF and its storage in the registry');
  out.push(`command: ${input.command}`);
  out.push(input.environment);
  if (input.cost) {
    out.push(`cost, USAGE_REPORTING=on vs off (median of ${input.cost.operations[0]?.rounds.length ?? 0} ABBA rounds; ratio of medians, per-round range):`);
    for (const cost of input.cost.operations) {
      const [rps, p50, p99] = (['rps', 'p50', 'p99'] as const).map((m) => compare(cost, m));
      out.push(
        `  ${cost.label.padEnd(18)} req/s on ${formatRate(rps!.on.median)} off ${formatRate(rps!.off.median)} ${ratio(rps!.ratio)} [${ratio(rps!.roundRatios[0])}–${ratio(rps!.roundRatios[1])}]` +
          `  p50 ${ms(p50!.on.median)}/${ms(p50!.off.median)} ms ${ratio(p50!.ratio)} [${ratio(p50!.roundRatios[0])}–${ratio(p50!.roundRatios[1])}]` +
          `  p99 ${ms(p99!.on.median)}/${ms(p99!.off.median)} ms ${ratio(p99!.ratio)} [${ratio(p99!.roundRatios[0])}–${ratio(p99!.roundRatios[1])}]`,
      );
    }
    const bad = input.cost.operations.reduce((sum, c) => sum + unsuccessfulResponses(c), 0);
    out.push(`  responses not 2xx or failed, over every run: ${bad}`);
    out.push('accounting, "on" BFF answered → registry recorded:');
    for (const cost of input.cost.operations) {
      const r = cost.reconciliation;
      if (!r) continue;
      const unexplained = r.difference - r.abandoned;
      out.push(
        `  ${cost.label.padEnd(18)} answered ${count(r.answered)}, recorded ${count(r.registryRecorded)}, difference ${signed(r.difference)} ` +
          `= requests abandoned in flight at the end of runs (${count(r.abandoned)})${unexplained === 0 ? '' : ` ${signed(unexplained)}  <-- UNEXPLAINED`}`,
      );
    }
  }
  if (input.storage) {
    const s = input.storage;
    const f = storageFigures(s);
    out.push(`storage, ${count(s.requests)} requests over ${s.days} days, ${s.keySet.keysPerDay} keys a day:`);
    out.push(
      `  usage_daily ${count(s.compact.daily.rows)} rows, ${formatBytes(s.compact.daily.totalBytes)} (${Math.round(f.dailyBytesPerRow)} B a row); usage_operations ${count(s.compact.operations.rows)} rows, ${formatBytes(s.compact.operations.totalBytes)}` +
        ` => ${formatBytes(f.bytesPerMillionCompact)} per million requests (compact; ${formatBytes(f.bytesPerMillionAsStored)} as stored before vacuum)`,
    );
    out.push(`  one row per request = worst case (every request a distinct key; the 5,000-key cap does not bind at ${f.millionPerWindowRps.toFixed(2)} req/s): ${formatBytes(f.worstCaseBytes)}, ${formatBytes(f.worstCaseBytesLongLabels)} with 64-char labels`);
  }
  out.push(`total time ${input.seconds.toFixed(0)} s`);
  out.push(bar);
  return out.join('\n');
}
