import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Cleanup, runBench, type BenchSettings } from './bench';
import { optionReader } from './cli-options';
import { formatReport, type BenchReport } from './report';
import { formatRounds, summariseRounds } from './rounds';

const USAGE = `usage: npm run bench -- [--quick] [--out FILE] [--connections N] [--warmup S] [--duration S]
                        [--counting-requests N] [--overhead-connections LIST] [--targets LIST] [--ops LIST]
                        [--no-hive] [--reseed] [--rounds N]

Starts the five subgraphs (PGlite, fresh temporary data), then measures side by side: the web
BFF, the mobile BFF, each again with its policy's response and entity cache on (web-bff-cached,
mobile-bff-cached), stock @apollo/gateway and Hive Gateway on representative operations, and
the BFF's overhead on a one-fetch query (web Categories through the web BFF vs straight to the
catalog subgraph). Prints the tables; writes the same as JSON (default ./bench-results.json).

  --quick               a short look (under a minute): 0.5 s warm-up, 1.5 s per cell, 2 counting requests
  --targets LIST        of web-bff,mobile-bff,web-bff-cached,mobile-bff-cached,apollo-gateway,hive-gateway
  --ops LIST            of web-product,web-home,mobile-feed,mobile-batch,bff-overhead
  --overhead-connections LIST
                        connection counts of the BFF overhead pair (default: 1 and --connections)
  --no-hive             leave Hive Gateway out (otherwise installed on first use into $BFF_BENCH_HOME)
  --reseed              seed the databases from scratch instead of copying the seeded snapshot
  --rounds N            N whole runs one after the other, then their medians and the range of each
                        ratio (claim a ratio from 3 or more: this machine is shared and noisy)

Environment: BFF_BENCH_HOME (default /tmp/bff-bench): Hive Gateway install and the seeded data snapshot.`;

const DEFAULTS = { connections: 20, warmup: 3, duration: 10, countingRequests: 5 };
const QUICK = { connections: 20, warmup: 0.5, duration: 1.5, countingRequests: 2 };

const { fail, positive, list } = optionReader('npm run bench', USAGE);

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        out: { type: 'string' },
        connections: { type: 'string' },
        warmup: { type: 'string' },
        duration: { type: 'string' },
        'counting-requests': { type: 'string' },
        'overhead-connections': { type: 'string' },
        targets: { type: 'string' },
        ops: { type: 'string' },
        'no-hive': { type: 'boolean', default: false },
        reseed: { type: 'boolean', default: false },
        rounds: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const base = values.quick ? QUICK : DEFAULTS;
  const started = Date.now();
  const log = (line: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);
  const connections = positive('connections', values.connections, base.connections, true);
  const overheadConnections =
    values['overhead-connections'] === undefined
      ? [...new Set([1, connections])]
      : [...new Set(values['overhead-connections'].split(',').map((item) => positive('overhead-connections', item.trim(), 1, true)))];
  const settings: BenchSettings = {
    quick: values.quick,
    connections,
    warmupSeconds: positive('warmup', values.warmup, base.warmup, false),
    durationSeconds: positive('duration', values.duration, base.duration, false),
    countingRequests: positive('counting-requests', values['counting-requests'], base.countingRequests, true),
    overheadConnections,
    home: resolve(process.env.BFF_BENCH_HOME || '/tmp/bff-bench'),
    targets: values.targets === undefined ? undefined : list('targets', values.targets, ['web-bff', 'mobile-bff', 'web-bff-cached', 'mobile-bff-cached', 'apollo-gateway', 'hive-gateway']),
    operations: values.ops === undefined ? undefined : list('ops', values.ops, ['web-product', 'web-home', 'mobile-feed', 'mobile-batch', 'bff-overhead']),
    hive: !values['no-hive'],
    reseed: values.reseed,
    log,
  };
  // npm runs scripts from the repository root; a relative --out is relative to where npm was called.
  const out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? 'bench-results.json');
  const rounds = positive('rounds', values.rounds, 1, true);

  let cleanup = new Cleanup();
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping everything the bench started…`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    const reports: BenchReport[] = [];
    let failed = false;
    for (let round = 1; round <= rounds; round++) {
      if (rounds > 1) log(`round ${round} of ${rounds}`);
      cleanup = new Cleanup();
      const outcome = await runBench(settings, cleanup);
      await cleanup.run();
      reports.push(outcome.report);
      failed ||= outcome.failed;
      if (rounds > 1) console.log(`\n=== round ${round} of ${rounds} ===`);
      console.log(formatReport(outcome.report));
    }
    if (rounds === 1) writeFileSync(out, `${JSON.stringify(reports[0], null, 2)}\n`);
    else {
      const summary = summariseRounds(reports);
      writeFileSync(out, `${JSON.stringify({ version: 1, rounds: reports, summary }, null, 2)}\n`);
      console.log(`\n=== ${rounds} rounds ===\n${formatRounds(summary)}`);
    }
    console.log(`\nJSON: ${out}`);
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (failed) {
      console.error('\nnpm run bench: some targets answered wrongly (see "problems" above); their cells were not measured.');
      process.exitCode = 1;
    }
  } catch (error) {
    if (stopping) return; // what failed was cut short by the signal, whose handler ends the process
    await cleanup.run();
    console.error(`npm run bench failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  }
}

void main();
