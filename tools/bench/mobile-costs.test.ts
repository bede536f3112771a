import { startTestStack, type TestBff, type TestStack } from '@bff/core/testing';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { benchOperations, requestBytes, wireRequest, type BenchOperation, type WireRequest } from './operations';

/**
 * The mobile-first costs of issue 6, on the very requests `npm run bench` sends: the feed's
 * persisted GET fits in 200 bytes before headers, and its reply is at most 40% of the web
 * home page's for the same products.
 */
describe('mobile-first costs (the bench requests, against both BFFs in production)', () => {
  let stack: TestStack;
  let web: TestBff;
  let mobile: TestBff;
  const { operations } = benchOperations();
  const operation = (id: string): BenchOperation => {
    const found = operations.find((op) => op.id === id);
    if (!found) throw new Error(`the bench has no ${id}`);
    return found;
  };
  const feedRequest = wireRequest(operation('mobile-feed'), 'mobile-bff');
  const homeRequest = wireRequest(operation('web-home'), 'web-bff');

  beforeAll(async () => {
    stack = await startTestStack();
    web = await stack.bff(webBff, 'production');
    mobile = await stack.bff(mobileBff, 'production');
  });
  afterAll(() => stack?.stop());

  async function send(bff: TestBff, request: WireRequest): Promise<{ status: number; text: string }> {
    const origin = new URL(bff.url).origin;
    const response = await fetch(`${origin}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
    return { status: response.status, text: await response.text() };
  }

  test('the feed GET, variables included, is at most 200 bytes before headers and runs', async () => {
    expect(feedRequest.method).toBe('GET');
    expect(feedRequest.path).toContain('variables=');
    expect(requestBytes(feedRequest).total).toBeLessThanOrEqual(200);
    const reply = await send(mobile, feedRequest);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text).errors).toBeUndefined();
  });

  test("the feed's reply is at most 40% of the web home page's bytes, for the same products", async () => {
    const feed = await send(mobile, feedRequest);
    const home = await send(web, homeRequest);
    const feedIds = JSON.parse(feed.text).data.products.nodes.map((node: { id: string }) => node.id);
    const homeIds = JSON.parse(home.text).data.products.nodes.map((node: { id: string }) => node.id);
    expect(feedIds.length).toBeGreaterThanOrEqual(20);
    expect(feedIds).toEqual(homeIds);
    expect(Buffer.byteLength(feed.text)).toBeLessThanOrEqual(0.4 * Buffer.byteLength(home.text));
  });
});
