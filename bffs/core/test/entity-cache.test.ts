import { randomBytes } from 'node:crypto';
import { webBff } from '@bff/web';
import type { EntityCachePolicy } from '@bff/formats';
import { describeWithRedis, testRedisUrl } from '@bff/platform/testing';
import type { BffDefinition } from '../src';
import type { VerifiedUser } from '../src/auth/authenticator';
import { createEntityCache } from '../src/response-cache/entity-cache';
import { memoryResponseStore, redisResponseStore } from '../src/response-cache/response-store';
import { connectRedis, type RedisConnection } from '../src/shared-state/redis-connection';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

const alice: VerifiedUser = { id: 'u-001', scopes: [] } as unknown as VerifiedUser;
const bob: VerifiedUser = { id: 'u-002', scopes: [] } as unknown as VerifiedUser;
const PRODUCT = { __typename: 'Product', id: 'p-0001' };

describe('the entity cache, on its own', () => {
  const policy: EntityCachePolicy = { maxTtlSeconds: 60, maxEntries: 100 };
  let clock = 1_000_000;
  const now = () => clock;
  const build = (overrides: Partial<EntityCachePolicy> = {}, privatePerUser = false) => createEntityCache({ ...policy, ...overrides }, privatePerUser, 'web', memoryResponseStore(100, undefined, now), () => undefined, now);

  test('a PUBLIC entity is kept for every caller, for what is left of its max-age (at most maxTtlSeconds)', async () => {
    const cache = build();
    await cache.forRequest(alice, 'sdl').store('reviews', 'reviews:q', [PRODUCT], [{ ratingSummary: { average: 4.5 } }], { maxAge: 120, scope: 'PUBLIC' });
    clock += 20_000;
    const [forBob] = await cache.forRequest(bob, 'sdl').lookup('reviews:q', [PRODUCT]);
    expect(forBob).toEqual({ data: { ratingSummary: { average: 4.5 } }, maxAge: 40, scope: 'PUBLIC' });
    expect(await cache.forRequest(null, 'sdl').lookup('reviews:q', [PRODUCT, { __typename: 'Product', id: 'p-0002' }])).toEqual([forBob, undefined]);
    // Another fetch's selection, another supergraph: other entries.
    expect(await cache.forRequest(bob, 'sdl').lookup('reviews:other', [PRODUCT])).toEqual([undefined]);
    expect(await cache.forRequest(bob, 'another sdl').lookup('reviews:q', [PRODUCT])).toEqual([undefined]);
    clock += 40_000;
    expect(await cache.forRequest(bob, 'sdl').lookup('reviews:q', [PRODUCT])).toEqual([undefined]);
  });

  test("a PRIVATE entity is kept only under its caller's own key, and only with privatePerUser", async () => {
    const shared = build();
    await shared.forRequest(alice, 'sdl').store('accounts', 'accounts:q', [PRODUCT], [{ secret: 'alice' }], { maxAge: 30, scope: 'PRIVATE' });
    expect(await shared.forRequest(alice, 'sdl').lookup('accounts:q', [PRODUCT])).toEqual([undefined]);

    const perUser = build({}, true);
    await perUser.forRequest(alice, 'sdl').store('accounts', 'accounts:q', [PRODUCT], [{ secret: 'alice' }], { maxAge: 30, scope: 'PRIVATE' });
    expect((await perUser.forRequest(alice, 'sdl').lookup('accounts:q', [PRODUCT]))[0]?.data).toEqual({ secret: 'alice' });
    expect(await perUser.forRequest(bob, 'sdl').lookup('accounts:q', [PRODUCT])).toEqual([undefined]);
    expect(await perUser.forRequest(null, 'sdl').lookup('accounts:q', [PRODUCT])).toEqual([undefined]);
    // An anonymous caller's PRIVATE reply has no one to be kept for.
    await perUser.forRequest(null, 'sdl').store('accounts', 'accounts:q', [PRODUCT], [{ secret: 'nobody' }], { maxAge: 30, scope: 'PRIVATE' });
    expect(await perUser.forRequest(null, 'sdl').lookup('accounts:q', [PRODUCT])).toEqual([undefined]);
  });

  test('no-store and max-age=0 are never kept; no Cache-Control at all is kept for defaultTtlSeconds, and a reply made from it is not cacheable', async () => {
    const without = build();
    await without.forRequest(null, 'sdl').store('products', 'products:q', [PRODUCT], [{ name: 'a' }], { maxAge: 0 });
    await without.forRequest(null, 'sdl').store('products', 'products:q', [PRODUCT], [{ name: 'a' }], null);
    expect(await without.forRequest(null, 'sdl').lookup('products:q', [PRODUCT])).toEqual([undefined]);

    const withDefault = build({ defaultTtlSeconds: 10 });
    await withDefault.forRequest(null, 'sdl').store('products', 'products:q', [PRODUCT], [{ name: 'a' }], { maxAge: 0, scope: 'PUBLIC' });
    expect(await withDefault.forRequest(null, 'sdl').lookup('products:q', [PRODUCT])).toEqual([undefined]);
    await withDefault.forRequest(null, 'sdl').store('products', 'products:q', [PRODUCT], [{ name: 'a' }], null);
    expect(await withDefault.forRequest(null, 'sdl').lookup('products:q', [PRODUCT])).toEqual([{ data: { name: 'a' }, maxAge: 0, scope: 'PUBLIC' }]);
    clock += 10_000;
    expect(await withDefault.forRequest(null, 'sdl').lookup('products:q', [PRODUCT])).toEqual([undefined]);
  });

  test("a subgraph's change clears its own entries that show the changed entity; a request that began before it keeps nothing it fetched", async () => {
    const cache = build();
    const other = { __typename: 'Product', id: 'p-0002' };
    const early = cache.forRequest(null, 'sdl');
    await cache.forRequest(null, 'sdl').store('inventory', 'inventory:q', [PRODUCT, other], [{ stock: 5 }, { stock: 7 }], { maxAge: 30 });
    await cache.forRequest(null, 'sdl').store('catalog', 'catalog:q', [PRODUCT], [{ name: 'Headphones' }], { maxAge: 30 });
    expect(await cache.invalidate({ subgraph: 'inventory', typename: 'Product', ids: ['p-0001'] })).toBe(1);
    expect((await cache.forRequest(null, 'sdl').lookup('inventory:q', [PRODUCT, other])).map((entity) => entity?.data)).toEqual([undefined, { stock: 7 }]);
    // Inventory's change leaves what catalog said of the product; an operator's clears it too.
    expect((await cache.forRequest(null, 'sdl').lookup('catalog:q', [PRODUCT]))[0]?.data).toEqual({ name: 'Headphones' });
    expect(await cache.invalidate({ subgraph: 'operator', typename: '', ids: ['p-0001'] })).toBe(1);
    expect(await cache.forRequest(null, 'sdl').lookup('catalog:q', [PRODUCT])).toEqual([undefined]);
    // Read before the change was announced: possibly stale, not kept.
    await early.store('inventory', 'inventory:q', [PRODUCT], [{ stock: 5 }], { maxAge: 30 });
    expect(await cache.forRequest(null, 'sdl').lookup('inventory:q', [PRODUCT])).toEqual([undefined]);
  });
});

const withEntityCache = (definition: BffDefinition, entities: EntityCachePolicy = { maxTtlSeconds: 120, maxEntries: 1000 }): BffDefinition => ({
  ...definition,
  policy: { ...definition.policy, responseCache: { maxTtlSeconds: 30, maxEntries: 100, privatePerUser: false, entities } },
});

/** A product page as a signed-in shopper reads it: catalog's fields, inventory's stock, reviews' rating summary. */
const productPage = (id: string) => ({ query: `{ product(id: "${id}") { id name price { amountCents currency } stock { available } ratingSummary { average count } } }` });
const listing = (first: number) => ({ query: `{ products(first: ${first}) { nodes { id name stock { available } ratingSummary { average } } } }` });

describe('the entity cache in query plans', () => {
  let stack: TestStack;
  let web: TestBff;
  let uncached: TestBff;
  beforeAll(async () => {
    stack = await startTestStack();
    web = await stack.bff(withEntityCache(webBff), 'development', { responseStore: memoryResponseStore(100) });
    uncached = await stack.bff(webBff, 'development');
  });
  afterAll(() => stack?.stop());

  const requestsTo = (...names: string[]) => names.reduce((sum, name) => sum + stack.subgraphs[name]!.receivedHeaders().length, 0);

  test("a product page another shopper read is made from kept entities: no subgraph is asked, and the reply is the one the subgraphs would give", async () => {
    const [first, second] = [await bearer('u-011'), await bearer('u-012')];
    const before = requestsTo('catalog', 'inventory', 'reviews');
    const mine = await web.post(productPage('p-0007'), first);
    expect(mine.body.errors).toBeUndefined();
    const asked = requestsTo('catalog', 'inventory', 'reviews') - before;
    expect(asked).toBeGreaterThanOrEqual(2);
    // A signed-in caller's whole reply is not kept (privatePerUser is off): the plan runs, from the entity cache.
    const theirs = await web.post(productPage('p-0007'), second);
    expect(theirs.headers.get('x-cache')).toBe('MISS');
    expect(requestsTo('catalog', 'inventory', 'reviews') - before).toBe(asked);
    expect(theirs.body).toEqual(mine.body);
    expect(theirs.body).toEqual((await uncached.post(productPage('p-0007'), second)).body);
    const metrics = await (await fetch(web.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(/bff_entity_cache_total\{[^}]*result="hit"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/bff_entity_cache_total\{[^}]*result="stored"[^}]*\} [1-9]/);
  });

  test('a list that adds products to kept ones fetches only what is missing, and merges both in order', async () => {
    const shopper = await bearer('u-013');
    await web.post(listing(3), shopper);
    const before = { reviews: requestsTo('reviews'), inventory: requestsTo('inventory') };
    const longer = await web.post(listing(6), shopper);
    expect(longer.body.errors).toBeUndefined();
    // The three new products in one entity fetch per subgraph.
    expect(requestsTo('reviews') - before.reviews).toBe(1);
    expect(requestsTo('inventory') - before.inventory).toBe(1);
    expect(longer.body).toEqual((await uncached.post(listing(6), shopper)).body);
    const again = { reviews: requestsTo('reviews'), inventory: requestsTo('inventory') };
    expect((await web.post(listing(6), shopper)).body).toEqual(longer.body);
    expect({ reviews: requestsTo('reviews'), inventory: requestsTo('inventory') }).toEqual(again);
  });

  test("what a subgraph marks private is never served to another user: each shopper's orders are fetched for them", async () => {
    const orders = { query: '{ myOrders(first: 3) { nodes { id number lines { product { id name } } } } }' };
    const [first, second] = [await bearer('u-001', ['orders:read']), await bearer('u-002', ['orders:read'])];
    const before = requestsTo('orders');
    const mine = await web.post(orders, first);
    const theirs = await web.post(orders, second);
    const mineAgain = await web.post(orders, first);
    // Each of the three asked orders (max-age 0, private): nothing of it was kept.
    expect(requestsTo('orders') - before).toBe(3);
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data.myOrders.nodes.length).toBeGreaterThan(0);
    expect(theirs.body).not.toEqual(mine.body);
    expect(mineAgain.body).toEqual(mine.body);
    expect(theirs.body).toEqual((await uncached.post(orders, second)).body);
  });

  test("a stock change made through checkout clears the product's kept stock: the next read shows it", async () => {
    const shopper = await bearer('u-014', ['orders:write']);
    const page = productPage('p-0008');
    const first = await web.post(page, shopper);
    const inventoryBefore = requestsTo('inventory');
    expect((await web.post(page, shopper)).body).toEqual(first.body);
    expect(requestsTo('inventory')).toBe(inventoryBefore);
    const placed = await web.post(
      { query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', variables: { input: { idempotencyKey: `entity-${randomBytes(4).toString('hex')}`, lines: [{ productId: 'p-0008', quantity: 2 }] } } },
      shopper,
    );
    expect(placed.body.errors).toBeUndefined();
    const beforeRead = { inventory: requestsTo('inventory'), others: requestsTo('catalog', 'reviews') };
    const after = await web.post(page, shopper);
    expect(after.body.data.product.stock.available).toBe(first.body.data.product.stock.available - 2);
    // Only the stock was fetched again: catalog's fields and the rating are still kept.
    expect({ inventory: requestsTo('inventory'), others: requestsTo('catalog', 'reviews') }).toEqual({ inventory: beforeRead.inventory + 1, others: beforeRead.others });
  });
});

describeWithRedis('the entity cache shared by replicas through Redis', () => {
  let stack: TestStack;
  let connections: RedisConnection[];
  beforeAll(async () => {
    stack = await startTestStack();
    connections = await Promise.all([connectRedis(testRedisUrl()), connectRedis(testRedisUrl())]);
  });
  afterAll(async () => {
    await Promise.all((connections ?? []).map((c) => c.close()));
    await stack?.stop();
  });

  test("an entity one replica fetched serves the other replica's plans", async () => {
    const prefix = `bff:entities:test-${randomBytes(4).toString('hex')}:`;
    const replicas: TestBff[] = [];
    for (const connection of connections) {
      replicas.push(await stack.bff(withEntityCache(webBff), 'development', { responseStore: memoryResponseStore(100), entityStore: redisResponseStore(connection.redis, prefix) }));
    }
    const requests = () => ['catalog', 'inventory', 'reviews'].reduce((sum, name) => sum + stack.subgraphs[name]!.receivedHeaders().length, 0);
    const before = requests();
    const first = await replicas[0]!.post(productPage('p-0009'), await bearer('u-021'));
    const fetched = requests() - before;
    expect(fetched).toBeGreaterThanOrEqual(2);
    const second = await replicas[1]!.post(productPage('p-0009'), await bearer('u-022'));
    expect(second.body).toEqual(first.body);
    expect(requests() - before).toBe(fetched);
  });
});
