import { parseArgs } from 'node:util';
import { stopAll } from '../stack/launcher';
import { optionReader } from './cli-options';
import { runLoad, type LoadResult } from './load';
import { benchOperations, wireRequest } from './operations';
import { renderTable } from './report';
import { median } from './rounds';
import { startBenchSubgraphs } from './stack';
import { spawnProductionBff } from './targets';

const USAGE = `usage: node --import tsx tools/bench/cache-cli.ts [--rounds 3] [--seconds 5] [--connections 20]

The response cache: each BFF twice over the same five subgraphs (NODE_ENV=production, rate
limits off), once with its policy's cache (RESPONSE_CACHE=on) and once without; the mobile
feed (persisted GET) and the web product page (POST, an anonymous visitor) through each, in
alternating rounds. Prints req/s and subgraph fetches per request (from each BFF's /metrics),
cached beside uncached, with the ratio.`;

const { fail, positive } = optionReader('cache-bench', USAGE);

/** Subgraph fetches a BFF has made so far (the count of its fetch-duration histogram, every subgraph and outcome). */
async function fetchesSoFar(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^bff_subgraph_fetch_duration_seconds_count\{[^}]*\} (\d+)/gm)) total += Number(match[1]);
  return total;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { rounds: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' }, help: { type: 'boolean', default: false } } }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) return void console.log(USAGE);
  const rounds = positive('rounds', values.rounds, 3, true);
  const seconds = positive('seconds', values.seconds, 5, true);
  const connections = positive('connections', values.connections, 20, true);

  const { log, subgraphs } = await startBenchSubgraphs('cache-bench');
  const children = [];
  try {
    const origins = new Map<string, string>();
    for (const client of ['web', 'mobile'] as const) {
      for (const cache of ['off', 'on'] as const) {
        const { child, url } = await spawnProductionBff(client, subgraphs, { RESPONSE_CACHE: cache });
        children.push(child);
        origins.set(`${client}-${cache}`, url);
      }
    }
    const { operations } = benchOperations();
    const loads = [
      { label: 'mobile MobileFeed (persisted GET)', client: 'mobile', request: wireRequest(operations.find((op) => op.id === 'mobile-feed')!, 'mobile-bff') },
      { label: 'web ProductPage (POST, anonymous)', client: 'web', request: wireRequest(operations.find((op) => op.id === 'web-product')!, 'web-bff') },
    ] as const;
    const results = new Map<string, { load: LoadResult; fetchesPerRequest: number }[]>();
    log(`${rounds} rounds of ${seconds} s per load, ${connections} connections, cached and uncached alternating`);
    for (let round = 1; round <= rounds; round++) {
      for (const { label, client, request } of loads) {
        for (const cache of ['off', 'on'] as const) {
          const origin = origins.get(`${client}-${cache}`)!;
          const before = await fetchesSoFar(origin);
          const load = await runLoad({ origin, request, connections, warmupSeconds: 1, durationSeconds: seconds });
          const fetches = (await fetchesSoFar(origin)) - before;
          const fetchesPerRequest = fetches / Math.max(1, load.totals.answered);
          if (load.non2xx + load.errors > 0) throw new Error(`${label}, cache ${cache}: ${load.non2xx} non-2xx replies and ${load.errors} errors`);
          const key = `${label}|${cache}`;
          results.set(key, [...(results.get(key) ?? []), { load, fetchesPerRequest }]);
          log(`round ${round}, ${label}, cache ${cache}: ${load.rps.toFixed(0)} req/s, p50 ${load.p50.toFixed(2)} ms, ${fetchesPerRequest.toFixed(3)} subgraph fetches per request`);
        }
      }
    }
    const rows = loads.flatMap(({ label }) => {
      const off = results.get(`${label}|off`)!;
      const on = results.get(`${label}|on`)!;
      const ratios = on.map((r, i) => r.load.rps / off[i]!.load.rps);
      const row = (cache: string, runs: typeof on, ratio: string) => [
        `${label}, cache ${cache}`,
        runs.map((r) => r.load.rps.toFixed(0)).join(' / '),
        median(runs.map((r) => r.load.rps))!.toFixed(0),
        median(runs.map((r) => r.load.p50))!.toFixed(2),
        median(runs.map((r) => r.fetchesPerRequest))!.toFixed(3),
        ratio,
      ];
      return [row('off', off, '1.00'), row('on', on, `${median(ratios)!.toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`)];
    });
    console.log(`Response cache: ${connections} connections, ${seconds} s per load, per round and medians; the ratio is cached ÷ uncached req/s of the same round.`);
    console.log(renderTable(['operation', 'req/s per round', 'median req/s', 'p50 ms', 'subgraph fetches / request', '× uncached'], rows, [false, true, true, true, true, true]));
  } finally {
    await stopAll(children, 15_000);
    await subgraphs.stop();
  }
}

main().catch((error: Error) => {
  console.error(`cache-bench: ${error.message}`);
  process.exit(1);
});
