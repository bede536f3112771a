import { parseArgs } from 'node:util';
import { stopAll } from '../stack/launcher';
import { optionReader } from './cli-options';
import { runLoad, type LoadResult } from './load';
import { benchOperations, wireRequest } from './operations';
import { renderTable } from './report';
import { median } from './rounds';
import { startBenchSubgraphs } from './stack';
import { spawnProductionBff } from './targets';

const USAGE = `usage: node --import tsx tools/bench/flood-cli.ts [--rounds 3] [--seconds 5] [--flood-connections 300]

Bulkheads between the clients: both BFFs (NODE_ENV=production, rate limits off) over the five
subgraphs (the bench's seeded snapshot). Each round measures the mobile feed (persisted GET,
10 connections) alone, then again while a bounded web flood (the home page, POST, from
--flood-connections connections) runs through the web BFF, and prints the feed's p50 and error
rate in both, and what the flood got (requests/s and the share refused with 503 OVERLOADED).
Loopback only; each load runs --seconds after a one-second warm-up.`;

const { fail, positive } = optionReader('flood-bench', USAGE);

const errorRate = (load: LoadResult) => (load.non2xx + load.errors + load.timeouts) / Math.max(1, load.requests + load.errors + load.timeouts);

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { rounds: { type: 'string' }, seconds: { type: 'string' }, 'flood-connections': { type: 'string' }, help: { type: 'boolean', default: false } } }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) return void console.log(USAGE);
  const rounds = positive('rounds', values.rounds, 3, true);
  const seconds = positive('seconds', values.seconds, 5, true);
  const floodConnections = positive('flood-connections', values['flood-connections'], 300, true);

  const { log, subgraphs } = await startBenchSubgraphs('flood-bench');
  const children = [];
  try {
    const origins: Record<'web' | 'mobile', string> = {} as never;
    for (const client of ['web', 'mobile'] as const) {
      const { child, url } = await spawnProductionBff(client, subgraphs);
      children.push(child);
      origins[client] = url;
    }
    const { operations } = benchOperations();
    const feed = wireRequest(operations.find((op) => op.id === 'mobile-feed')!, 'mobile-bff');
    const home = wireRequest(operations.find((op) => op.id === 'web-home')!, 'web-bff');
    const feedLoad = () => runLoad({ origin: origins.mobile, request: feed, connections: 10, warmupSeconds: 1, durationSeconds: seconds });
    log(`${rounds} rounds: the mobile feed alone, then during a web flood of ${floodConnections} connections`);
    const results: { alone: LoadResult; during: LoadResult; flood: LoadResult }[] = [];
    for (let round = 1; round <= rounds; round++) {
      const alone = await feedLoad();
      // The flood starts first and outlasts the feed's run: the feed is measured inside it.
      const flooding = runLoad({ origin: origins.web, request: home, connections: floodConnections, warmupSeconds: 1, durationSeconds: seconds + 1 });
      await new Promise((resolveWait) => setTimeout(resolveWait, 500));
      const during = await feedLoad();
      const flood = await flooding;
      results.push({ alone, during, flood });
      log(`round ${round}: feed alone p50 ${alone.p50.toFixed(1)} ms, errors ${(errorRate(alone) * 100).toFixed(1)}%; during the flood p50 ${during.p50.toFixed(1)} ms, errors ${(errorRate(during) * 100).toFixed(1)}%; flood ${flood.rps.toFixed(0)} req/s, ${((flood.non2xx / Math.max(1, flood.requests)) * 100).toFixed(1)}% refused`);
      // Let the flood's tail drain before the next round's quiet measurement.
      await new Promise((resolveWait) => setTimeout(resolveWait, 2_000));
    }
    const row = (label: string, pick: (r: (typeof results)[number]) => number, digits: number, unit = '') => {
      const values = results.map(pick);
      return [label, values.map((v) => `${v.toFixed(digits)}${unit}`).join(' / '), `${median(values)!.toFixed(digits)}${unit}`];
    };
    console.log(`Mobile feed (persisted GET, 10 connections) alone and during a web flood (home page, ${floodConnections} connections) through the other BFF; ${seconds} s per load, per round and median.`);
    console.log(
      renderTable(
        ['measure', 'per round', 'median'],
        [
          row('feed p50 ms, alone', (r) => r.alone.p50, 1),
          row('feed p50 ms, during the flood', (r) => r.during.p50, 1),
          row('feed p50 during ÷ alone', (r) => r.during.p50 / r.alone.p50, 2, '×'),
          row('feed error rate, alone', (r) => errorRate(r.alone) * 100, 2, '%'),
          row('feed error rate, during the flood', (r) => errorRate(r.during) * 100, 2, '%'),
          row('feed req/s, alone', (r) => r.alone.rps, 0),
          row('feed req/s, during the flood', (r) => r.during.rps, 0),
          row('flood req/s (web BFF)', (r) => r.flood.rps, 0),
          row('flood refused (503 OVERLOADED and other non-2xx)', (r) => (r.flood.non2xx / Math.max(1, r.flood.requests)) * 100, 1, '%'),
        ],
        [false, true, true],
      ),
    );
  } finally {
    await stopAll(children, 15_000);
    await subgraphs.stop();
  }
}

main().catch((error: Error) => {
  console.error(`flood-bench: ${error.message}`);
  process.exit(1);
});
