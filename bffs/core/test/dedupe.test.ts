import { webBff } from '@bff/web';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { bearer, startTestStack, withFetchPolicy, type TestBff, type TestStack } from './support/test-stack';

const withDedupe = (on: boolean) => withFetchPolicy(webBff, { dedupeInFlight: on });

/** In-flight deduplication of identical subgraph fetches, on and off by policy. */
describe('identical subgraph fetches in flight', () => {
  let stack: TestStack;
  let reviews: FaultProxy;
  let orders: FaultProxy;
  let on: TestBff;
  let off: TestBff;
  const query = { query: '{ products(first: 3) { nodes { id ratingSummary { average } } } }' };

  beforeAll(async () => {
    stack = await startTestStack();
    reviews = await startFaultProxy(stack.subgraphUrls.reviews!);
    orders = await startFaultProxy(stack.subgraphUrls.orders!);
    // Slow subgraphs keep the fetches in flight together.
    for (const proxy of [reviews, orders]) {
      proxy.mode = 'slow';
      proxy.delayMs = 300;
    }
    const subgraphUrls = { ...stack.subgraphUrls, reviews: reviews.url, orders: orders.url };
    on = await stack.bff(withDedupe(true), 'development', { subgraphUrls });
    off = await stack.bff(withDedupe(false), 'development', { subgraphUrls });
  });
  afterAll(async () => {
    await stack?.stop();
    await reviews?.stop();
    await orders?.stop();
  });

  test('on: ten identical queries at once cost reviews one fetch, and every client gets the full answer', async () => {
    const before = reviews.requests();
    const answers = await Promise.all(Array.from({ length: 10 }, () => on.post(query)));
    expect(reviews.requests() - before).toBe(1);
    for (const answer of answers) {
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body).toEqual(answers[0]!.body);
    }
  });

  test('off: each query fetches for itself', async () => {
    const before = reviews.requests();
    await Promise.all(Array.from({ length: 10 }, () => off.post(query)));
    expect(reviews.requests() - before).toBe(10);
  });

  test('different callers never share a fetch', async () => {
    const before = reviews.requests();
    const [alice, bob] = [await bearer('u-001'), await bearer('u-002')];
    await Promise.all(Array.from({ length: 6 }, (_, i) => on.post(query, i % 2 ? alice : bob)));
    expect(reviews.requests() - before).toBe(2);
  });

  test('mutations are never shared', async () => {
    const before = orders.requests();
    const writer = await bearer('u-009', ['orders:write']);
    const mutation = { query: 'mutation { placeOrder(input: { idempotencyKey: "dedupe-1", lines: [{ productId: "p-0005", quantity: 1 }] }) { number } }' };
    const results = await Promise.all([on.post(mutation, writer), on.post(mutation, writer)]);
    expect(orders.requests() - before).toBe(2);
    // The idempotency key, not the BFF, is what makes them one order.
    expect(results[0]!.body.data.placeOrder.number).toBe(results[1]!.body.data.placeOrder.number);
  });
});
