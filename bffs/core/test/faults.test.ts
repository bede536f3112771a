import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { ErrorCode, REPO_ROOT } from '@bff/platform';
import type { PersistedQueryManifest } from '@bff/formats';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { bearer, startTestStack, withFetchPolicy, type TestBff, type TestStack } from './support/test-stack';

const manifest = JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases/1.0.0.json'), 'utf8')) as PersistedQueryManifest;
const feed = { version: 1, sha256Hash: manifest.operations.find((op) => op.name === 'MobileFeed')!.id };
const productPage = `query ($sku: String!) {
  product(sku: $sku) { id name price { formatted } ratingSummary { average } reviews(first: 2) { nodes { id } } }
}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function readiness(bff: TestBff): Promise<{ status: number; body: any }> {
  const response = await fetch(bff.url.replace(/\/graphql$/, '/health/ready'));
  return { status: response.status, body: await response.json() };
}

function expectOnlyUnavailable(errors: any[]): void {
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(error.extensions).toEqual({ code: ErrorCode.SUBGRAPH_UNAVAILABLE });
    expect(error.path).toBeDefined();
  }
}

// One stack for the whole file: starting five subgraphs is the slow part, and each
// describe below puts its own fault proxies and BFFs in front of them.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('a subgraph that fails costs only its fields', () => {
  let reviews: FaultProxy;
  let orders: FaultProxy;
  let inventory: FaultProxy;
  let web: TestBff;
  let mobile: TestBff;
  let sku: string;

  beforeAll(async () => {
    reviews = await startFaultProxy(stack.subgraphUrls.reviews!);
    orders = await startFaultProxy(stack.subgraphUrls.orders!);
    inventory = await startFaultProxy(stack.subgraphUrls.inventory!);
    const subgraphUrls = { ...stack.subgraphUrls, reviews: reviews.url, orders: orders.url, inventory: inventory.url };
    // A high threshold: these tests fail a handful of fetches and want the circuit closed.
    const tolerant = { timeoutMs: 500, breakerFailureThreshold: 1_000 };
    web = await stack.bff(withFetchPolicy(webBff, tolerant), 'production', { subgraphUrls });
    mobile = await stack.bff(withFetchPolicy(mobileBff, tolerant), 'production', { subgraphUrls });
    const first = await web.post({ query: '{ products(first: 1) { nodes { sku } } }' });
    sku = first.body.data.products.nodes[0].sku;
  });
  afterAll(async () => {
    await reviews?.stop();
    await orders?.stop();
    await inventory?.stop();
  });
  afterEach(() => {
    reviews.mode = 'pass';
    orders.mode = 'pass';
    inventory.mode = 'pass';
  });

  test.each(['reset', 'unavailable', 'hang'] as const)('web product page, reviews %s: the product is there, its reviews are null with an error at their paths', async (mode) => {
    reviews.mode = mode;
    const { status, body } = await web.post({ query: productPage, variables: { sku } });
    expect(status).toBe(200);
    expect(body.data.product).toMatchObject({ name: expect.any(String), price: { formatted: expect.any(String) }, ratingSummary: null, reviews: null });
    expectOnlyUnavailable(body.errors);
    expect(body.errors.map((e: any) => e.path).sort()).toEqual([
      ['product', 'ratingSummary'],
      ['product', 'reviews'],
    ]);
  });

  test('web product page, inventory down: the product is there without stock and shipping', async () => {
    inventory.mode = 'reset';
    const { status, body } = await web.post({ query: `{ product(sku: "${sku}") { name inStock stock { status } shippingEstimate { label } } }` });
    expect(status).toBe(200);
    expect(body.data.product).toEqual({ name: expect.any(String), inStock: null, stock: null, shippingEstimate: null });
    expectOnlyUnavailable(body.errors);
  });

  test('mobile feed, reviews down: every card is there without its rating badge', async () => {
    const healthy = await mobile.get({ variables: { first: 5 }, extensions: { persistedQuery: feed } });
    expect(healthy.body.errors).toBeUndefined();
    expect(healthy.body.data.products.nodes.some((n: any) => n.card.ratingBadge !== null)).toBe(true);

    reviews.mode = 'reset';
    const { status, body, headers } = await mobile.get({ variables: { first: 5 }, extensions: { persistedQuery: feed } });
    expect(status).toBe(200);
    expect(body.data.products.nodes).toHaveLength(5);
    for (const node of body.data.products.nodes) {
      expect(node.card).toMatchObject({ title: expect.any(String), priceLabel: expect.any(String), ratingBadge: null });
    }
    expectOnlyUnavailable(body.errors);
    // A degraded answer must not be cached as if it were the feed.
    expect(headers.get('cache-control')).not.toMatch(/max-age=[1-9]/);
  });

  test('a query retries once when its connection fails, and then succeeds', async () => {
    const before = reviews.requests();
    reviews.failNext(1, 'reset');
    const { body } = await web.post({ query: productPage, variables: { sku } });
    expect(body.errors).toBeUndefined();
    expect(body.data.product.ratingSummary.average).toEqual(expect.any(Number));
    expect(reviews.requests() - before).toBe(2);
  });

  test('a query does not retry a deadline, nor a second time', async () => {
    let before = reviews.requests();
    reviews.failNext(1, 'hang');
    const slow = await web.post({ query: '{ products(first: 1) { nodes { ratingSummary { count } } } }' });
    expectOnlyUnavailable(slow.body.errors);
    expect(reviews.requests() - before).toBe(1);

    before = reviews.requests();
    reviews.failNext(2, 'reset');
    const twice = await web.post({ query: '{ products(first: 1) { nodes { ratingSummary { count } } } }' });
    expectOnlyUnavailable(twice.body.errors);
    expect(reviews.requests() - before).toBe(2);
  });

  test('a mutation never retries: one attempt, an error, and no order', async () => {
    const user = await bearer('u-007', ['orders:read', 'orders:write']);
    const before = orders.requests();
    orders.failNext(1, 'reset');
    const placed = await web.post(
      { query: 'mutation { placeOrder(input: { idempotencyKey: "fault-1", lines: [{ productId: "p-0002", quantity: 1 }] }) { number } }' },
      user,
    );
    expect(placed.status).toBe(200);
    expect(placed.body.data).toBeNull();
    expectOnlyUnavailable(placed.body.errors);
    expect(placed.body.errors[0].path).toEqual(['placeOrder']);
    expect(orders.requests() - before).toBe(1);
    // The connection was cut before the subgraph saw it: the same key places the order now, once.
    const retried = await web.post(
      { query: 'mutation { placeOrder(input: { idempotencyKey: "fault-1", lines: [{ productId: "p-0002", quantity: 1 }] }) { number } }' },
      user,
    );
    expect(retried.body.data.placeOrder.number).toMatch(/^SO-/);
  });

  test('queries that do not touch the failing subgraph are unaffected', async () => {
    reviews.mode = 'reset';
    const { body } = await web.post({ query: `{ product(sku: "${sku}") { name inStock stock { status } } }` });
    expect(body.errors).toBeUndefined();
    expect(body.data.product.name).toEqual(expect.any(String));
  });
});

describe('the circuit breaker', () => {
  let reviews: FaultProxy;
  let web: TestBff;
  const query = { query: '{ products(first: 2) { nodes { name ratingSummary { count } } } }' };

  beforeAll(async () => {
    reviews = await startFaultProxy(stack.subgraphUrls.reviews!);
    web = await stack.bff(withFetchPolicy(webBff, { breakerFailureThreshold: 3, breakerOpenMs: 400 }), 'production', {
      subgraphUrls: { ...stack.subgraphUrls, reviews: reviews.url },
    });
    expect((await readiness(web)).body).toMatchObject({ status: 'ready', subgraphs: { reviews: 'closed' } });
  });
  afterAll(async () => {
    await reviews?.stop();
  });

  test('opens after the threshold, stops calling, reports degraded readiness, then closes on a successful trial', async () => {
    reviews.mode = 'unavailable';
    for (let i = 0; i < 3; i++) expectOnlyUnavailable((await web.post(query)).body.errors);

    // Open: answered at once, the subgraph is not called.
    const calls = reviews.requests();
    const refused = await web.post(query);
    expect(refused.body.data.products.nodes).toHaveLength(2);
    expectOnlyUnavailable(refused.body.errors);
    expect(reviews.requests()).toBe(calls);
    const degraded = await readiness(web);
    expect(degraded).toEqual({ status: 200, body: { status: 'degraded', subgraphs: expect.objectContaining({ reviews: 'open', catalog: 'closed' }) } });

    // After the wait, one trial; the subgraph is back, so the circuit closes.
    reviews.mode = 'pass';
    await sleep(450);
    const recovered = await web.post(query);
    expect(recovered.body.errors).toBeUndefined();
    expect(recovered.body.data.products.nodes[0].ratingSummary.count).toEqual(expect.any(Number));
    expect((await readiness(web)).body).toMatchObject({ status: 'ready', subgraphs: { reviews: 'closed' } });
  });

  test('a failed trial opens it again at once', async () => {
    reviews.mode = 'reset';
    for (let i = 0; i < 3; i++) await web.post(query);
    await sleep(450);
    const trialCalls = reviews.requests();
    await web.post(query); // the trial: fails (its query retries the connection once)
    expect(reviews.requests() - trialCalls).toBe(2);
    const calls = reviews.requests();
    await web.post(query);
    expect(reviews.requests()).toBe(calls);
    reviews.mode = 'pass';
  });

  test('the readiness probe closes a circuit when no request comes', async () => {
    reviews.mode = 'unavailable';
    for (let i = 0; i < 3; i++) await web.post(query);
    expect((await readiness(web)).body.subgraphs.reviews).toBe('open');
    reviews.mode = 'pass';
    await sleep(450);
    expect(await readiness(web)).toEqual({ status: 200, body: expect.objectContaining({ status: 'ready' }) });
  });
});
