import { availableParallelism, cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Cleanup } from './bench';
import { optionReader } from './cli-options';
import { formatCost, formatStorage, formatSummary, unsuccessfulResponses } from './usage-cost-report';
import { measureUsageReportingCost, USAGE_COST_OPERATIONS, type UsageCostResult } from './usage-reporting-cost';
import { measureUsageStorage, type UsageStorageResult } from './usage-storage';

const USAGE = `usage: npm run bench:usage -- [--rounds 3] [--duration 10] [--warmup 3] [--connections 16]
                              [--ops web-product,mobile-feed] [--parts cost,storage]

What usage reporting costs, in one invocation:

  cost     the five subgraphs (PGlite, the bench's seeded snapshot), one registry process, and per
           client two BFFs in registry mode (NODE_ENV=production), USAGE_REPORTING=on and off;
           each round loads both one after the other (ABBA order), to 127.0.0.1 only; then the
           requests the "on" BFF answered are reconciled with what the registry recorded.
  storage  the registry's code in this process over a fresh PGlite: 1,000,000 requests over 30
           days of a realistic key set, POSTed as usage reports; the tables' sizes per row and
           per million requests, and the worst case.

  --ops LIST     of ${USAGE_COST_OPERATIONS.join(',')} (default web-product,mobile-feed)
  --parts LIST   of cost,storage (default both)

Environment: BFF_BENCH_HOME (default /tmp/bff-bench): the seeded data snapshot of npm run bench.`;

const DEFAULTS = { rounds: 3, duration: 10, warmup: 3, connections: 16, ops: 'web-product,mobile-feed', parts: 'cost,storage' };

const { fail, positive, list } = optionReader('npm run bench:usage', USAGE);

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        rounds: { type: 'string', default: String(DEFAULTS.rounds) },
        duration: { type: 'string', default: String(DEFAULTS.duration) },
        warmup: { type: 'string', default: String(DEFAULTS.warmup) },
        connections: { type: 'string', default: String(DEFAULTS.connections) },
        ops: { type: 'string', default: DEFAULTS.ops },
        parts: { type: 'string', default: DEFAULTS.parts },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) return void console.log(USAGE);
  const settings = {
    rounds: positive('rounds', values.rounds, DEFAULTS.rounds, true),
    durationSeconds: positive('duration', values.duration, DEFAULTS.duration, false),
    warmupSeconds: positive('warmup', values.warmup, DEFAULTS.warmup, false),
    connections: positive('connections', values.connections, DEFAULTS.connections, true),
    operations: list('ops', values.ops, USAGE_COST_OPERATIONS),
    home: resolve(process.env.BFF_BENCH_HOME || '/tmp/bff-bench'),
  };
  const parts = list('parts', values.parts, ['cost', 'storage']);
  // The command as given, and with every setting spelled out (what to run to get these figures again).
  const given = process.argv.slice(2).join(' ');
  const spelledOut =
    `npm run bench:usage -- --rounds ${settings.rounds} --duration ${settings.durationSeconds} --warmup ${settings.warmupSeconds} --connections ${settings.connections}` +
    (values.ops !== DEFAULTS.ops ? ` --ops ${settings.operations.join(',')}` : '') +
    (values.parts !== DEFAULTS.parts ? ` --parts ${parts.join(',')}` : '');

  const started = Date.now();
  const log = (line: string) => console.error(`[bench:usage ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);
  const loadAtStart = loadavg();
  const cleanup = new Cleanup();
  process.once('SIGINT', () => void cleanup.run().finally(() => process.exit(130)));

  let cost: UsageCostResult | undefined;
  let storage: UsageStorageResult | undefined;
  try {
    // Cost first, storage after it: the storage part runs PGlite in this process, which also makes the load.
    if (parts.includes('cost')) {
      cost = await measureUsageReportingCost({ ...settings, log }, cleanup);
      await cleanup.run();
      console.log(formatCost(cost, settings));
      console.log('');
    }
    if (parts.includes('storage')) {
      storage = await measureUsageStorage({ log });
      console.log(formatStorage(storage));
      console.log('');
    }
  } finally {
    await cleanup.run();
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    formatSummary({
      command: `npm run bench:usage${given ? ` -- ${given}` : ''}   (all settings: ${spelledOut})`,
      environment: `machine: ${availableParallelism()} CPUs (${cpu}), node ${process.version}, load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}; everything on the same cores`,
      seconds: (Date.now() - started) / 1000,
      cost,
      storage,
    }),
  );
  // A response that was not 2xx makes the figures suspect: say so in the exit code too.
  if (cost?.operations.some((c) => unsuccessfulResponses(c) > 0)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`bench:usage failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
