import { webBff } from '@bff/web';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startTestStack, withFetchPolicy, type TestBff, type TestStack } from './support/test-stack';

/**
 * Graceful shutdown of a BFF under load: requests already in flight when it is told to
 * stop finish with their full answer; only new connections are refused.
 */
describe('a BFF stopping under load', () => {
  let stack: TestStack;
  let reviews: FaultProxy;
  let web: TestBff;

  beforeAll(async () => {
    stack = await startTestStack();
    reviews = await startFaultProxy(stack.subgraphUrls.reviews!);
    // Without in-flight deduplication, so that each request is one fetch the proxy can count.
    web = await stack.bff(withFetchPolicy(webBff, { dedupeInFlight: false }), 'production', { subgraphUrls: { ...stack.subgraphUrls, reviews: reviews.url } });
  });
  afterAll(async () => {
    await stack?.stop();
    await reviews?.stop();
  });

  test('finishes every request in flight, then refuses new ones', async () => {
    // Each request waits on a slow reviews subgraph, so all of them are mid-flight at the stop.
    reviews.mode = 'slow';
    reviews.delayMs = 700;
    const inFlight = 24;
    const query = (i: number) => ({ query: `{ products(first: 2, after: null) { nodes { id ratingSummary { count } } } i${i}: __typename }` });
    const before = reviews.requests();
    const requests = Array.from({ length: inFlight }, (_, i) => web.post(query(i)));
    while (reviews.requests() - before < inFlight) await new Promise((r) => setTimeout(r, 10));

    const stopped = web.server.stop();
    const answers = await Promise.all(requests);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.products.nodes[0].ratingSummary.count).toEqual(expect.any(Number));
    }
    await stopped;
    await expect(fetch(web.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).rejects.toThrow();
  });
});
