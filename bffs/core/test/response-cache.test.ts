import { randomBytes } from 'node:crypto';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import type { ResponseCachePolicy } from '@bff/formats';
import { redisDataChanges, type DataChanges } from '@bff/platform';
import { describeWithRedis, testRedisUrl } from '@bff/platform/testing';
import { UsageRecorder, type BffDefinition } from '../src';
import { memoryResponseStore, redisResponseStore } from '../src/response-cache/response-store';
import { connectRedis, type RedisConnection } from '../src/shared-state/redis-connection';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

const withResponseCache = (definition: BffDefinition, responseCache: Partial<ResponseCachePolicy> = {}): BffDefinition => ({
  ...definition,
  policy: { ...definition.policy, responseCache: { maxTtlSeconds: 60, maxEntries: 100, privatePerUser: false, ...responseCache } },
});

/** Products: public, 60 s by catalog's hints. */
const FEED = { query: 'query Feed($first: Int) { products(first: $first) { nodes { id name } } }', variables: { first: 5 } };
/** The signed-in user's orders: private and never kept (orders' hints: max-age 0). */
const MY_ORDERS = { query: '{ myOrders(first: 3) { nodes { id number } } }' };

describe('the response cache', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  const catalogRequests = () => stack.subgraphs.catalog!.receivedHeaders().length;
  /** Requests for inventory's /changes stream so far. */
  const changeStreams = () => stack.subgraphs.inventory!.receivedHeaders().filter((headers) => headers.accept === 'text/event-stream').length;
  const ordersRequests = () => stack.subgraphs.orders!.receivedHeaders().length;

  test('a public query is answered from the cache for its max-age: the subgraph is asked once; other variables are another entry', async () => {
    const usage = new UsageRecorder({ client: 'web' });
    const web = await stack.bff(withResponseCache(webBff), 'development', { responseStore: memoryResponseStore(100), usage });
    const before = catalogRequests();
    const first = await web.post(FEED);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const again = await Promise.all(Array.from({ length: 5 }, () => web.post(FEED)));
    for (const reply of again) {
      expect(reply.headers.get('x-cache')).toBe('HIT');
      expect(reply.body).toEqual(first.body);
    }
    expect(catalogRequests() - before).toBe(1);
    // Answers from the cache are traffic too: the registry's usage counts all six.
    const counted = usage.take()!.report.usage.reduce((sum, entry) => sum + entry.requests, 0);
    expect(counted).toBe(6);
    const other = await web.post({ ...FEED, variables: { first: 6 } });
    expect(other.headers.get('x-cache')).toBe('MISS');
    expect(other.body.data.products.nodes).toHaveLength(6);
    expect(catalogRequests() - before).toBe(2);
  });

  test("a signed-in caller's reply is never served to anyone else; private replies are kept per user only when the policy says so", async () => {
    const shared = await stack.bff(withResponseCache(webBff), 'development', { responseStore: memoryResponseStore(100) });
    const alice = await bearer('u-001', ['orders:read']);
    const bob = await bearer('u-002', ['orders:read']);
    const before = ordersRequests();
    const aliceOrders = await shared.post(MY_ORDERS, alice);
    const bobOrders = await shared.post(MY_ORDERS, bob);
    expect(bobOrders.body).not.toEqual(aliceOrders.body);
    expect(bobOrders.headers.get('x-cache')).toBe('MISS');
    // Without privatePerUser nothing of a signed-in caller is kept.
    expect((await shared.post(MY_ORDERS, alice)).headers.get('x-cache')).toBe('MISS');
    expect(ordersRequests() - before).toBe(3);

    // Even per user, orders' replies (max-age 0) are never kept.
    const perUser = await stack.bff(withResponseCache(webBff, { privatePerUser: true }), 'development', { responseStore: memoryResponseStore(100) });
    await perUser.post(MY_ORDERS, alice);
    expect((await perUser.post(MY_ORDERS, alice)).headers.get('x-cache')).toBe('MISS');
    // A signed-in caller's reply is kept under their own key: each user has their own entry, and
    // an anonymous caller's public entry is not written by a signed-in one.
    const cacheOf = async (headers: Record<string, string>) => (await perUser.post(FEED, headers)).headers.get('x-cache');
    expect([await cacheOf(alice), await cacheOf(alice), await cacheOf(bob), await cacheOf(bob), await cacheOf({})]).toEqual(['MISS', 'HIT', 'MISS', 'HIT', 'MISS']);
    // An anonymous caller's public reply is served to a signed-in one: it depends on no one.
    const carol = await bearer('u-003');
    expect(await cacheOf(carol)).toBe('HIT');
  });

  test.each([
    ['a channel in this process', undefined],
    ["each subgraph's /changes stream (a BFF without Redis, in another process)", 'subgraph-streams' as const],
  ])('a stock change made through the web BFF’s checkout clears the cached product on the mobile BFF at once, heard through %s', async (_how, dataChanges) => {
    const streamsBefore = changeStreams();
    const mobile = await stack.bff(withResponseCache(mobileBff), 'development', { responseStore: memoryResponseStore(100), dataChanges });
    // With streams: wait until inventory streams its changes to this BFF (it subscribes as the request arrives).
    for (let i = 0; dataChanges && i < 500 && changeStreams() === streamsBefore; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    if (dataChanges) expect(changeStreams()).toBe(streamsBefore + 1);
    const web = await stack.bff(webBff, 'development');
    const product = { query: '{ product(id: "p-0003") { id name stock { available } } }' };
    const first = await mobile.post(product);
    expect((await mobile.post(product)).headers.get('x-cache')).toBe('HIT');
    const unrelated = await mobile.post(FEED);
    const placed = await web.post(
      { query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', variables: { input: { idempotencyKey: `cache-${randomBytes(4).toString('hex')}`, lines: [{ productId: 'p-0003', quantity: 2 }] } } },
      await bearer('u-005', ['orders:write']),
    );
    expect(placed.body.errors).toBeUndefined();
    // Through a stream the change arrives a moment after the write's reply: wait for it, not for a time.
    let after = await mobile.post(product);
    for (let i = 0; i < 200 && after.headers.get('x-cache') === 'HIT'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      after = await mobile.post(product);
    }
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.body.data.product.stock.available).toBe(first.body.data.product.stock.available - 2);
    // What does not show that product stays.
    expect(unrelated.headers.get('x-cache')).toBe('MISS');
    expect((await mobile.post(FEED)).headers.get('x-cache')).toBe(JSON.stringify(unrelated.body).includes('"p-0003"') ? 'MISS' : 'HIT');
  });

  test('operators clear cached replies by entity id at POST /cache/invalidate, with their token only', async () => {
    const token = 'operators-token-0123456789abcdefghijklmnop';
    const web = await stack.bff(withResponseCache(webBff), 'development', { responseStore: memoryResponseStore(100), cacheAdminToken: token });
    const base = web.url.replace(/\/graphql$/, '');
    const clear = (body: unknown, authorization?: string) =>
      fetch(`${base}/cache/invalidate`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });
    const product = { query: '{ product(id: "p-0004") { id name } }' };
    await web.post(product);
    expect((await web.post(product)).headers.get('x-cache')).toBe('HIT');
    const refused = await clear({ ids: ['p-0004'] }, 'Bearer not-the-token');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await web.post(product)).headers.get('x-cache')).toBe('HIT');
    const bad = await clear({ ids: 'p-0004' }, `Bearer ${token}`);
    expect(bad.status).toBe(400);
    const cleared = await clear({ ids: ['p-0004'] }, `Bearer ${token}`);
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toEqual({ invalidated: 1 });
    expect((await web.post(product)).headers.get('x-cache')).toBe('MISS');
    // Without a token configured the path does not exist.
    const plain = await stack.bff(withResponseCache(webBff), 'development', { responseStore: memoryResponseStore(100) });
    expect((await fetch(`${plain.url.replace(/\/graphql$/, '')}/cache/invalidate`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  test('never a reply with errors; the memory store holds at most maxEntries (evictions in /metrics)', async () => {
    const web = await stack.bff(withResponseCache(webBff, { maxEntries: 2 }), 'development', { responseStore: undefined });
    const bad = { query: '{ products(first: 2, after: "%%%") { nodes { id } } }' };
    await web.post(bad);
    expect((await web.post(bad)).headers.get('x-cache')).toBe('MISS');
    for (const first of [1, 2, 3]) await web.post({ ...FEED, variables: { first } });
    expect((await web.post({ ...FEED, variables: { first: 1 } })).headers.get('x-cache')).toBe('MISS');
    expect((await web.post({ ...FEED, variables: { first: 3 } })).headers.get('x-cache')).toBe('HIT');
    const metrics = await (await fetch(web.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(/bff_response_cache_total\{[^}]*result="evicted"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/bff_response_cache_total\{[^}]*result="hit"[^}]*\} [1-9]/);
  });
});

describeWithRedis('data changes through Redis pub/sub', () => {
  test('a change published at one connection is heard at another', async () => {
    const publisher = redisDataChanges(testRedisUrl());
    const subscriber = redisDataChanges(testRedisUrl());
    try {
      const heard = new Promise((resolve) => subscriber.subscribe(resolve));
      // The subscription is set up on first use; publish until it is heard.
      let received: unknown;
      void heard.then((change) => (received = change));
      for (let i = 0; i < 100 && received === undefined; i++) {
        await publisher.publish({ subgraph: 'inventory', typename: 'Product', ids: ['p-0001'] });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(received).toEqual({ subgraph: 'inventory', typename: 'Product', ids: ['p-0001'] });
    } finally {
      await publisher.close();
      await subscriber.close();
    }
  });
});

describeWithRedis('the response cache shared by replicas through Redis', () => {
  let stack: TestStack;
  let connections: RedisConnection[];
  const channels: DataChanges[] = [];
  /** A Redis channel of data changes of its own, closed with the suite. */
  const redisChannel = () => {
    const channel = redisDataChanges(testRedisUrl());
    channels.push(channel);
    return channel;
  };
  beforeAll(async () => {
    // The subgraphs announce their changes through Redis, as they would to BFFs in other processes.
    stack = await startTestStack({ dataChanges: redisChannel });
    connections = await Promise.all([connectRedis(testRedisUrl()), connectRedis(testRedisUrl())]);
  });
  afterAll(async () => {
    await Promise.all((connections ?? []).map((c) => c.close()));
    await stack?.stop();
    await Promise.all(channels.map((channel) => channel.close()));
  });

  test('a stock change made through the web BFF’s checkout is seen on the next request through either mobile replica', async () => {
    const prefix = `bff:cache:test-${randomBytes(4).toString('hex')}:`;
    const replicas: TestBff[] = [];
    for (const connection of connections) {
      replicas.push(await stack.bff(withResponseCache(mobileBff), 'development', { responseStore: redisResponseStore(connection.redis, prefix), dataChanges: redisChannel() }));
    }
    const web = await stack.bff(webBff, 'development');
    const product = { query: '{ product(id: "p-0006") { id name stock { available } } }' };
    // The replicas share their entries in Redis, so one replica hearing a change clears it for
    // both. A replica hears once its subscription is set up: announce a change to the product
    // until the entry is dropped, before the change that counts.
    const announcer = redisChannel();
    let dropped = false;
    for (let i = 0; !dropped && i < 200; i++) {
      await replicas[0]!.post(product);
      await announcer.publish({ subgraph: 'inventory', typename: 'Product', ids: ['p-0006'] });
      await new Promise((resolve) => setTimeout(resolve, 20));
      dropped = (await replicas[1]!.post(product)).headers.get('x-cache') === 'MISS';
    }
    expect(dropped).toBe(true);
    const first = await replicas[0]!.post(product);
    expect((await replicas[1]!.post(product)).headers.get('x-cache')).toBe('HIT');
    const placed = await web.post(
      { query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', variables: { input: { idempotencyKey: `cache-redis-${randomBytes(4).toString('hex')}`, lines: [{ productId: 'p-0006', quantity: 1 }] } } },
      await bearer('u-006', ['orders:write']),
    );
    expect(placed.body.errors).toBeUndefined();
    // The change travels through Redis a moment after the write's reply: wait for it, not for a time.
    for (const replica of replicas) {
      let after = await replica.post(product);
      for (let i = 0; i < 200 && after.body.data.product.stock.available === first.body.data.product.stock.available; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        after = await replica.post(product);
      }
      expect(after.body.data.product.stock.available).toBe(first.body.data.product.stock.available - 1);
    }
  });

  test('two mobile replicas share one cache: the feed is fetched from the subgraphs once for requests spread over both', async () => {
    const prefix = `bff:cache:test-${randomBytes(4).toString('hex')}:`;
    const replicas: TestBff[] = [];
    for (const connection of connections) replicas.push(await stack.bff(withResponseCache(mobileBff), 'development', { responseStore: redisResponseStore(connection.redis, prefix) }));
    const before = stack.subgraphs.catalog!.receivedHeaders().length;
    const replies = [];
    for (let i = 0; i < 8; i++) replies.push(await replicas[i % 2]!.post(FEED));
    expect(replies.map((reply) => reply.headers.get('x-cache'))).toEqual(['MISS', 'HIT', 'HIT', 'HIT', 'HIT', 'HIT', 'HIT', 'HIT']);
    expect(stack.subgraphs.catalog!.receivedHeaders().length - before).toBe(1);
    for (const reply of replies) expect(reply.body).toEqual(replies[0]!.body);
    // A change to a product in the feed clears the shared entry for both replicas.
    const id = replies[0]!.body.data.products.nodes[0].id as string;
    const store = redisResponseStore(connections[0]!.redis, prefix);
    expect(await store.invalidate([`id:${id}`])).toBe(1);
    expect((await replicas[1]!.post(FEED)).headers.get('x-cache')).toBe('MISS');
  });
});
