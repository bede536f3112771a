import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEVELOPMENT_JWT, mintToken } from '@bff/core';
import { clientFiles, type PersistedQueryManifest } from '@bff/formats';
import { dataset } from '@subgraphs/kit';
import { GATEWAY_CREDENTIAL_HEADER, USER_ID_HEADER, USER_SCOPES_HEADER } from '@bff/platform';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { stopAll } from '../stack/launcher';
import { optionReader } from './cli-options';
import { renderTable } from './report';
import { median } from './rounds';
import { startBenchSubgraphs } from './stack';
import { spawnProductionBff } from './targets';

const USAGE = `usage: node --import tsx tools/bench/streaming-cli.ts [--rounds N] [--orders N] [--per-order N]

Subscriptions through each BFF (NODE_ENV=production, over the five subgraphs on the bench's
seeded snapshot): --orders users each place an order and follow it with --per-order
subscriptions over GraphQL over SSE (FollowOrder: the order's status and its products'
names, which each event fetches from catalog); then every order is moved along twice
(shipped, delivered) at once. Prints, per round and as medians: events delivered per second
(from the first move to the last event) and the p50 time from subscribing to the first event;
beside them the same subscriptions opened straight at the orders subgraph (graphql-ws, no BFF,
no catalog), from the same run, and the ratio.`;

const FOLLOW = `subscription FollowOrder($id: ID!) {
  orderStatusChanged(id: $id) { id status lines { quantity product { id name } } }
}`;
/** What the subgraph is asked when it is followed directly: its own fields only. */
const FOLLOW_AT_SUBGRAPH = `subscription ($id: ID!) { orderStatusChanged(id: $id) { id status lines { quantity product { id } } } }`;

const { fail, positive } = optionReader('streaming-bench', USAGE);

interface Follower {
  /** Resolves with the time to the first event. */
  first: Promise<number>;
  /** Resolves with the number of events once the subscription completes. */
  done: Promise<number>;
}

/** One subscription over GraphQL over SSE (POST, Accept: text/event-stream), counting `next` events until `complete`. */
function followOverSse(url: URL, headers: Record<string, string>, body: string): Follower {
  const started = performance.now();
  let first!: (ms: number) => void;
  const firstEvent = new Promise<number>((resolveFirst) => (first = resolveFirst));
  const done = new Promise<number>((resolveDone, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        let text = '';
        let events = 0;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          let end: number;
          while ((end = text.indexOf('\n\n')) >= 0) {
            const frame = text.slice(0, end);
            text = text.slice(end + 2);
            if (!frame.startsWith('event: next')) continue;
            if (frame.includes('"errors"')) return reject(new Error(`an event with errors: ${frame.slice(0, 300)}`));
            events += 1;
            if (events === 1) first(performance.now() - started);
          }
        });
        response.on('end', () => (response.statusCode === 200 ? resolveDone(events) : reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`))));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
  return { first: firstEvent, done };
}

/** One subscription straight at the orders subgraph, as a gateway opens it (graphql-ws, credential and identity on the upgrade). */
function followAtSubgraph(ordersUrl: string, gatewaySecret: string, user: string, id: string): Follower {
  const started = performance.now();
  const headers = { [GATEWAY_CREDENTIAL_HEADER]: gatewaySecret, [USER_ID_HEADER]: user, [USER_SCOPES_HEADER]: 'orders:read' };
  const withHeaders = class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  };
  const client = createClient({ url: ordersUrl.replace(/^http/, 'ws'), webSocketImpl: withHeaders, retryAttempts: 0 });
  let first!: (ms: number) => void;
  const firstEvent = new Promise<number>((resolveFirst) => (first = resolveFirst));
  const done = new Promise<number>((resolveDone, reject) => {
    let events = 0;
    client.subscribe(
      { query: FOLLOW_AT_SUBGRAPH, variables: { id } },
      {
        next: (event) => {
          if (event.errors) return reject(new Error(JSON.stringify(event.errors)));
          events += 1;
          if (events === 1) first(performance.now() - started);
        },
        error: reject,
        complete: () => resolveDone(events),
      },
    );
  }).finally(() => client.dispose());
  return { first: firstEvent, done };
}

async function postJson(url: string, headers: Record<string, string>, body: unknown): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const reply = (await response.json()) as { data?: any; errors?: unknown };
  if (reply.errors || !reply.data) throw new Error(`${url}: ${JSON.stringify(reply.errors ?? reply)}`);
  return reply.data;
}

/** The newest mobile release's persisted FollowOrder subscription, and that release's version (the mobile BFF serves persisted operations only). */
function mobileFollowOrder(): { version: string; id: string } {
  const dir = clientFiles('mobile').releasesDir;
  const versions = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  for (const version of versions.reverse()) {
    const manifest = JSON.parse(readFileSync(join(dir, `${version}.json`), 'utf8')) as PersistedQueryManifest;
    const operation = manifest.operations.find((op) => op.type === 'subscription' && op.body.includes('orderStatusChanged'));
    if (operation) return { version, id: operation.id };
  }
  throw new Error(`no mobile release in ${dir} has an orderStatusChanged subscription`);
}

interface RoundResult {
  eventsPerSecond: number;
  firstEventMs: number;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { rounds: { type: 'string' }, orders: { type: 'string' }, 'per-order': { type: 'string' }, help: { type: 'boolean', default: false } } }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) return void console.log(USAGE);
  const rounds = positive('rounds', values.rounds, 3, true);
  const orders = positive('orders', values.orders, 40, true);
  const perOrder = positive('per-order', values['per-order'], 5, true);
  if (orders > 50) return fail('--orders is at most 50 (one seeded user per order)');

  // Distinguishes this run's idempotency keys from those of earlier runs on the same snapshot.
  const started = Date.now();
  const { log, subgraphs } = await startBenchSubgraphs('streaming-bench');
  const jwt = { ...DEVELOPMENT_JWT, secret: `streaming-bench-${Date.now()}-0123456789abcdefghij` };
  const children = [];
  try {
    const bffs: Record<'web' | 'mobile', URL> = {} as never;
    for (const client of ['web', 'mobile'] as const) {
      const { child, url } = await spawnProductionBff(client, subgraphs, { JWT_SECRET: jwt.secret });
      children.push(child);
      bffs[client] = new URL(url);
    }
    const ordersUrl = subgraphs.urls.orders!;
    const staff = { [GATEWAY_CREDENTIAL_HEADER]: subgraphs.gatewaySecret, [USER_ID_HEADER]: 'bench-staff', [USER_SCOPES_HEADER]: 'orders:fulfil' };
    const users = Array.from({ length: orders }, (_, i) => `u-${String(i + 1).padStart(3, '0')}`);
    const mobile = mobileFollowOrder();

    // Products with stock for every order of the run (each order takes one unit).
    const stocked = dataset().products.filter((p) => (dataset().stock.find((s) => s.productId === p.id)?.available ?? 0) >= 100);
    let placedSoFar = 0;
    /** Each user places an order (straight at orders: placing is not what is measured). */
    const placeOrders = async () =>
      Promise.all(
        users.map(async (user) => {
          const productId = stocked[placedSoFar++ % stocked.length]!.id;
          const data = await postJson(ordersUrl, { [GATEWAY_CREDENTIAL_HEADER]: subgraphs.gatewaySecret, [USER_ID_HEADER]: user, [USER_SCOPES_HEADER]: 'orders:write' }, {
            query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
            variables: { input: { idempotencyKey: `streaming-bench-${started}-${placedSoFar}`, lines: [{ productId, quantity: 1 }] } },
          });
          return { user, id: data.placeOrder.id as string };
        }),
      );

    /** One round of one target: follow every order, move every order twice, until every subscription completed. */
    const round = async (label: string, follow: (user: string, token: string, id: string) => Follower): Promise<RoundResult> => {
      const placed = await placeOrders();
      const tokens = await Promise.all(placed.map(({ user }) => mintToken(jwt, user, ['orders:read'])));
      const followers = placed.flatMap(({ user, id }, i) => Array.from({ length: perOrder }, () => follow(user, tokens[i]!, id)));
      const firsts = await Promise.all(followers.map((f) => f.first));
      const movedAt = performance.now();
      await Promise.all(placed.map(async ({ id }) => {
        for (let step = 0; step < 2; step++) await postJson(ordersUrl, staff, { query: 'mutation ($id: ID!) { advanceOrder(id: $id) { status } }', variables: { id } });
      }));
      const counts = await Promise.all(followers.map((f) => f.done));
      const seconds = (performance.now() - movedAt) / 1000;
      const moved = counts.reduce((sum, count) => sum + count - 1, 0);
      if (moved !== followers.length * 2) throw new Error(`${label}: ${moved} status changes delivered, expected ${followers.length * 2}`);
      return { eventsPerSecond: moved / seconds, firstEventMs: [...firsts].sort((a, b) => a - b)[Math.floor(firsts.length / 2)]! };
    };
    const targets: [string, (user: string, token: string, id: string) => Follower][] = [
      ['orders subgraph (graphql-ws, no BFF)', (user, _token, id) => followAtSubgraph(ordersUrl, subgraphs.gatewaySecret, user, id)],
      ['web BFF (SSE)', (_user, token, id) => followOverSse(bffs.web, { authorization: `Bearer ${token}` }, JSON.stringify({ query: FOLLOW, variables: { id } }))],
      [
        'mobile BFF (SSE, persisted)',
        (_user, token, id) =>
          followOverSse(
            bffs.mobile,
            { authorization: `Bearer ${token}`, 'apollographql-client-name': 'mobile', 'apollographql-client-version': mobile.version },
            JSON.stringify({ variables: { id }, extensions: { persistedQuery: { version: 1, sha256Hash: mobile.id } } }),
          ),
      ],
    ];
    log(`${orders} orders × ${perOrder} subscriptions each (${orders * perOrder} at once), ${rounds} rounds per target, targets alternating`);
    const results = new Map<string, RoundResult[]>(targets.map(([name]) => [name, []]));
    for (const [name, follow] of targets) await round(`warm-${name}`, follow);
    for (let r = 1; r <= rounds; r++) {
      for (const [name, follow] of targets) {
        const result = await round(`${name}-${r}`, follow);
        results.get(name)!.push(result);
        log(`round ${r}, ${name}: ${result.eventsPerSecond.toFixed(0)} events/s, first event p50 ${result.firstEventMs.toFixed(1)} ms`);
      }
    }
    const baseline = results.get(targets[0]![0])!;
    const rows = targets.map(([name]) => {
      const perRound = results.get(name)!;
      const rates = perRound.map((r) => r.eventsPerSecond);
      const ratios = perRound.map((r, i) => r.eventsPerSecond / baseline[i]!.eventsPerSecond);
      return [
        name,
        rates.map((v) => v.toFixed(0)).join(' / '),
        median(rates)!.toFixed(0),
        `${median(ratios)!.toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
        median(perRound.map((r) => r.firstEventMs))!.toFixed(1),
      ];
    });
    console.log(`Order status subscriptions: ${orders} orders × ${perOrder} subscribers, each order moved twice at once; events/s from the first move to the last event, per round of each target.`);
    console.log(renderTable(['target', 'events/s per round', 'median', '× orders subgraph', 'first event p50 ms'], rows, [false, true, true, true, true]));
  } finally {
    await stopAll(children, 15_000);
    await subgraphs.stop();
  }
}

main().catch((error: Error) => {
  console.error(`streaming-bench: ${error.message}`);
  process.exit(1);
});
