import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import type { BffDefinition } from '../src';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startTestStack, withFetchPolicy, type TestBff, type TestStack } from './support/test-stack';

/** Served by catalog alone: one fetch per request. */
const PRODUCT = { query: '{ product(id: "p-0001") { id name } }' };

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** Bulkheads: each BFF caps its fetches in flight per subgraph, so a flood through one client is refused at its own BFF. */
describe('bulkheads between the clients', () => {
  let stack: TestStack;
  let catalog: FaultProxy;
  beforeAll(async () => {
    stack = await startTestStack();
    catalog = await startFaultProxy(stack.subgraphUrls.catalog!);
  });
  afterEach(() => catalog.release());
  afterAll(async () => {
    await stack?.stop();
    await catalog?.stop();
  });

  const webWithBulkhead = (maxInFlight: number, maxQueued: number, maxQueueWaitMs: number): Promise<TestBff> =>
    stack.bff(withFetchPolicy(webBff, { maxInFlight, maxQueued, maxQueueWaitMs, dedupeInFlight: false }) as BffDefinition, 'development', { subgraphUrls: { ...stack.subgraphUrls, catalog: catalog.url } });

  test('past the cap fetches queue; past the queue the request is 503 OVERLOADED with Retry-After; the queued run once slots free', async () => {
    const web = await webWithBulkhead(2, 2, 60_000);
    catalog.mode = 'held';
    const before = catalog.requests();
    const replies = Array.from({ length: 6 }, () => web.post(PRODUCT));
    // Two reach catalog (and are held there); two wait in the queue; two are refused at once.
    await until(() => catalog.requests() - before === 2, 'two fetches at catalog');
    const refused = await Promise.race([Promise.all([replies[4]!, replies[5]!]), new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 20_000))]);
    expect(refused).not.toBe('still waiting');
    for (const reply of refused as Awaited<(typeof replies)[number]>[]) {
      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(reply.body).toEqual({ errors: [{ message: expect.stringMatching(/Too many requests to catalog/), extensions: { code: 'OVERLOADED', retryAfterSeconds: expect.any(Number) } }] });
    }
    expect(catalog.requests() - before).toBe(2);
    catalog.release();
    const served = await Promise.all(replies.slice(0, 4));
    expect(served.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
    expect(catalog.requests() - before).toBe(4);
  });

  test('a fetch that waits longer than the queue allows is refused too; meanwhile the other client is admitted', async () => {
    const web = await webWithBulkhead(1, 4, 200);
    const mobile = await stack.bff(mobileBff, 'development');
    catalog.mode = 'held';
    const before = catalog.requests();
    const held = web.post(PRODUCT);
    await until(() => catalog.requests() - before === 1, 'one fetch at catalog');
    const waited = await web.post(PRODUCT);
    expect(waited.status).toBe(503);
    expect(waited.body.errors[0].extensions.code).toBe('OVERLOADED');
    // The web BFF's flood stops at the web BFF: the mobile BFF reaches the same catalog.
    const other = await mobile.post(PRODUCT);
    expect(other.status).toBe(200);
    expect(other.body.data.product.name).toEqual(expect.any(String));
    catalog.release();
    expect((await held).status).toBe(200);
    expect((await web.post(PRODUCT)).status).toBe(200);
  });
});
