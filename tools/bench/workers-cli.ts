import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnService, stopAll, waitUntilReady } from '../stack/launcher';
import { STACK } from '../stack/stack';
import { freePort } from '@bff/platform';
import { readFileSync } from 'node:fs';
import { runLoad, type LoadResult } from './load';
import { benchOperations, wireRequest } from './operations';
import { formatMiB, formatRate, renderTable } from './report';
import { processTree, rssOf } from './rss';
import { startSubgraphs } from './stack';
import { replyProblems, send } from './verify';
import { optionReader } from './cli-options';

const USAGE = `usage: node --import tsx tools/bench/workers-cli.ts [--workers 1,2] [--rounds N] [--connections N] [--warmup S] [--duration S]

The mobile BFF (bffs/mobile/src/index.ts, NODE_ENV=production) under its persisted feed GET
(MobileFeed, first: 20), once per WORKERS value and round, alternating, over the five subgraphs
(PGlite, the bench's seeded snapshot; the first run's warm-up is at least 15 s, as it warms
the subgraphs too). Prints req/s, latency, CPU seconds per 1,000 requests
(the BFF's processes, the subgraphs') and the BFF's RSS per run, and the ratio of each WORKERS
value's mean req/s to the first one's. The subgraphs share the machine's cores.`;

/** CPU seconds (user + system) the processes have used so far (/proc/<pid>/stat, 100 ticks a second). */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone.
    }
  }
  return ticks / 100;
}

const { fail, positive } = optionReader('workers-cli', USAGE);

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        workers: { type: 'string', default: '1,2' },
        rounds: { type: 'string' },
        connections: { type: 'string' },
        warmup: { type: 'string' },
        duration: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) return void console.log(USAGE);
  const counts = values.workers.split(',').map((s) => s.trim());
  if (counts.some((c) => c !== 'auto' && !/^[1-9]\d*$/.test(c))) fail(`--workers: a list of positive integers or auto, got "${values.workers}"`);
  const rounds = positive('rounds', values.rounds, 2);
  const connections = positive('connections', values.connections, 20);
  const warmupSeconds = positive('warmup', values.warmup, 3);
  const durationSeconds = positive('duration', values.duration, 10);

  const started = Date.now();
  const log = (line: string) => console.error(`[workers-bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);
  const service = STACK.find((s) => s.name === 'mobile-bff')!;
  const feed = benchOperations().operations.find((op) => op.id === 'mobile-feed')!;
  const request = wireRequest(feed, 'mobile-bff');

  log('starting the five subgraphs…');
  const subgraphs = await startSubgraphs({ home: resolve(process.env.BFF_BENCH_HOME || '/tmp/bff-bench'), reseed: false, log });
  let current: (() => Promise<void>) | undefined;
  const stopEverything = async () => {
    await current?.();
    await subgraphs.stop();
  };
  process.once('SIGINT', () => void stopEverything().finally(() => process.exit(130)));

  const results: { workers: string; round: number; load: LoadResult; bffCpu: number; subgraphCpu: number; rssKiB?: number }[] = [];
  try {
    for (let round = 1; round <= rounds; round += 1) {
      for (const workers of counts) {
        const port = await freePort();
        let output = '';
        const env: Record<string, string | undefined> = {
          ...process.env,
          NODE_OPTIONS: '',
          NODE_ENV: 'production',
          WORKERS: workers,
          GATEWAY_SECRET: subgraphs.gatewaySecret,
          JWT_SECRET: randomBytes(24).toString('hex'),
          ...Object.fromEntries(Object.entries(subgraphs.urls).map(([name, url]) => [`SUBGRAPH_URL_${name.toUpperCase()}`, url])),
        };
        for (const name of ['REDIS_URL', 'REGISTRY_URL', 'SUPERGRAPH_FILE']) delete env[name];
        const { child, url } = spawnService(service, port, { env, log: (line) => void (output += `${line}\n`) });
        current = () => stopAll([child], 15_000);
        await waitUntilReady(service, url, child, 120_000);
        // /health/ready answers as soon as one worker does; the load starts once all of them serve.
        if (workers !== '1') {
          const deadline = Date.now() + 120_000;
          while (!/workers ready at/.test(output)) {
            if (Date.now() > deadline) throw new Error(`WORKERS=${workers}: not every worker started:\n${output}`);
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        const problems = replyProblems(await send(url, request), 1);
        if (problems.length > 0) throw new Error(`WORKERS=${workers}: the feed answered wrongly: ${problems.join('; ')}`);
        log(`WORKERS=${workers}, round ${round}: ${warmupSeconds} s warm-up, ${durationSeconds} s measured, ${connections} connections`);
        // The first warm-up is longer: it warms the subgraphs (JIT, PGlite caches) too, which would otherwise favour later runs.
        const firstRun = results.length === 0;
        await runLoad({ origin: url, request, connections, warmupSeconds: 0, durationSeconds: firstRun ? Math.max(warmupSeconds, 15) : warmupSeconds });
        const bffPids = processTree(child.pid!);
        const subgraphPids = Object.values(subgraphs.pids).flatMap((pid) => processTree(pid));
        const before = { bff: cpuSeconds(bffPids), subgraphs: cpuSeconds(subgraphPids) };
        const load = await runLoad({ origin: url, request, connections, warmupSeconds: 0, durationSeconds });
        const perThousand = (seconds: number) => (seconds / load.requests) * 1_000;
        results.push({
          workers,
          round,
          load,
          bffCpu: perThousand(cpuSeconds(bffPids) - before.bff),
          subgraphCpu: perThousand(cpuSeconds(subgraphPids) - before.subgraphs),
          rssKiB: rssOf(child.pid!)?.tree,
        });
        await current();
        current = undefined;
      }
    }
  } finally {
    await stopEverything();
  }

  const mean = (workers: string) => {
    const runs = results.filter((r) => r.workers === workers);
    return runs.reduce((sum, r) => sum + r.load.rps, 0) / runs.length;
  };
  const baseline = mean(counts[0]!);
  console.log(
    renderTable(
      ['WORKERS', 'round', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors', 'CPU s/1k req: BFF', 'subgraphs', 'BFF RSS'],
      results.map(({ workers, round, load, bffCpu, subgraphCpu, rssKiB }) => [
        workers,
        String(round),
        formatRate(load.rps),
        load.p50.toFixed(1),
        load.p95.toFixed(1),
        load.p99.toFixed(1),
        String(load.non2xx),
        String(load.errors + load.timeouts),
        bffCpu.toFixed(2),
        subgraphCpu.toFixed(2),
        formatMiB(rssKiB),
      ]),
      [false, true, true, true, true, true, true, true, true, true, true],
    ),
  );
  console.log('');
  for (const workers of counts) console.log(`WORKERS=${workers}: mean ${formatRate(mean(workers))} req/s, ×${(mean(workers) / baseline).toFixed(2)} of WORKERS=${counts[0]}`);
  console.log(`\n${availableParallelism()} CPUs, load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}; the subgraphs run on the same CPUs.`);
}

main().catch((error) => {
  console.error(`workers bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
