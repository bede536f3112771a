import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Agent, request as httpRequest } from 'node:http';
import { stopAll } from '../stack/launcher';
import { optionReader } from './cli-options';
import { quantile } from './load';
import { renderTable } from './report';
import { median } from './rounds';
import { startBenchSubgraphs } from './stack';
import { spawnProductionBff } from './targets';

const USAGE = `usage: node --import tsx tools/bench/defer-cli.ts [--rounds N] [--requests N]

The web BFF (bffs/web/src/index.ts, NODE_ENV=production) over the five subgraphs (PGlite,
the bench's seeded snapshot): a product page whose rating and reviews are deferred, sent as
Apollo Client 4 sends it (Accept: multipart/mixed;deferSpec=20220824), and the same page
without @defer, one request at a time, alternating. Prints, per round and as medians, the
p50 time to the first part and to the last, and the p50 time to the whole reply without
@defer, from the same run.`;

const PRODUCT = (deferred: boolean) => `query BenchProduct($sku: String!) {
  product(sku: $sku) {
    id name richDescription price { formatted } inStock stock { status available } shippingEstimate { label }
    ... ${deferred ? '@defer(label: "reviews") ' : ''}{
      ratingSummary { average count }
      reviews(first: 10) { nodes { id rating title body createdAt author { name } } }
    }
  }
}`;

const { fail, positive } = optionReader('defer-bench', USAGE);

interface Timing {
  firstPartMs: number;
  lastPartMs: number;
}

/** One POST, timed to the end of its first part (a multipart reply's first `"hasNext":true`) and to its end. */
function timed(origin: URL, agent: Agent, body: string, accept: string): Promise<Timing> {
  const started = performance.now();
  return new Promise((resolveTiming, reject) => {
    const outgoing = httpRequest(
      { agent, host: origin.hostname, port: origin.port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', accept, 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        let firstPartMs: number | undefined;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          if (firstPartMs === undefined && (text.includes('"hasNext":true') || !accept.startsWith('multipart'))) firstPartMs = performance.now() - started;
        });
        response.on('end', () => {
          const lastPartMs = performance.now() - started;
          if (response.statusCode !== 200 || text.includes('"errors"')) return reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`));
          resolveTiming({ firstPartMs: firstPartMs ?? lastPartMs, lastPartMs });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { rounds: { type: 'string' }, requests: { type: 'string' }, help: { type: 'boolean', default: false } } }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) return void console.log(USAGE);
  const rounds = positive('rounds', values.rounds, 3, true);
  const requests = positive('requests', values.requests, 300, true);

  const { log, subgraphs } = await startBenchSubgraphs('defer-bench');
  let child: ChildProcess | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const web = await spawnProductionBff('web', subgraphs);
    child = web.child;
    const origin = new URL(web.url);
    const variables = { sku: 'AUD-0001' };
    const deferredBody = JSON.stringify({ query: PRODUCT(true), variables });
    const wholeBody = JSON.stringify({ query: PRODUCT(false), variables });
    const multipart = 'multipart/mixed;deferSpec=20220824,application/graphql-response+json,application/json;q=0.9';
    log(`warm-up, then ${rounds} rounds of ${requests} requests of each kind, alternating, one at a time`);
    for (let i = 0; i < 200; i++) {
      await timed(origin, agent, deferredBody, multipart);
      await timed(origin, agent, wholeBody, 'application/json');
    }
    const perRound: { first: number; last: number; whole: number }[] = [];
    for (let round = 1; round <= rounds; round++) {
      const first: number[] = [];
      const last: number[] = [];
      const whole: number[] = [];
      for (let i = 0; i < requests; i++) {
        const parts = await timed(origin, agent, deferredBody, multipart);
        first.push(parts.firstPartMs);
        last.push(parts.lastPartMs);
        whole.push((await timed(origin, agent, wholeBody, 'application/json')).lastPartMs);
      }
      const p50 = (values: number[]) => quantile([...values].sort((a, b) => a - b), 0.5);
      perRound.push({ first: p50(first), last: p50(last), whole: p50(whole) });
      log(`round ${round}: first part ${perRound.at(-1)!.first.toFixed(2)} ms, last part ${perRound.at(-1)!.last.toFixed(2)} ms, whole reply without @defer ${perRound.at(-1)!.whole.toFixed(2)} ms (p50)`);
    }
    const row = (label: string, pick: (r: (typeof perRound)[number]) => number) => {
      const values = perRound.map(pick);
      const ratios = perRound.map((r) => pick(r) / r.whole);
      return [label, values.map((v) => v.toFixed(2)).join(' / '), median(values)!.toFixed(2), `${median(ratios)!.toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`];
    };
    console.log(`Web BFF, product page with its rating and reviews deferred; p50 ms per round of ${requests} requests, and the ratio to the whole reply without @defer in the same round.`);
    console.log(
      renderTable(
        ['reply', 'p50 per round', 'median', '× whole reply'],
        [row('@defer: first part', (r) => r.first), row('@defer: last part', (r) => r.last), row('without @defer: whole reply', (r) => r.whole)],
        [false, true, true, true],
      ),
    );
  } finally {
    agent.destroy();
    if (child) await stopAll([child], 15_000);
    await subgraphs.stop();
  }
}

main().catch((error: Error) => {
  console.error(`defer-bench: ${error.message}`);
  process.exit(1);
});
