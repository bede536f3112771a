import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { webBff } from '@bff/web';
import type { BffDefinition } from '../src';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startTestStack, type TestBff, type TestStack } from './support/test-stack';

const PRODUCT = `
  product(sku: "AUD-0001") {
    id
    name
    price { formatted }
    ... @defer(label: "reviews") {
      ratingSummary { average count }
      reviews(first: 3) { nodes { id rating title author { name } } }
    }
  }`;
const DEFERRED = `query DeferredProduct { ${PRODUCT} }`;
const WHOLE = `query WholeProduct { ${PRODUCT.replace('... @defer(label: "reviews") {', '... {')} }`;

const withDeferLimit = (definition: BffDefinition, maxDeferredFragments: number): BffDefinition => ({
  ...definition,
  policy: { ...definition.policy, limits: { ...definition.policy.limits, maxDeferredFragments } },
});

/** The parts of a multipart/mixed reply (boundary "-"), as JSON. */
function multipartParts(body: string): any[] {
  expect(body.endsWith('\r\n-----\r\n')).toBe(true);
  return body
    .slice(0, -'\r\n-----\r\n'.length)
    .split('\r\n---\r\n')
    .filter((part) => part.length > 0)
    .map((part) => {
      const [headers, json] = part.split('\r\n\r\n');
      expect(headers).toBe('content-type: application/json; charset=utf-8');
      return JSON.parse(json!);
    });
}

async function postMultipart(bff: TestBff, query: string): Promise<{ status: number; contentType: string | null; parts: any[] }> {
  const response = await fetch(bff.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'multipart/mixed;deferSpec=20220824,application/json' },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), parts: response.headers.get('content-type')?.startsWith('multipart/') ? multipartParts(text) : [JSON.parse(text)] };
}

/** @defer through the web BFF, over real subgraphs, with reviews slowed down or failing behind a proxy. */
describe('@defer through a BFF', () => {
  let stack: TestStack;
  let reviews: FaultProxy;
  let inventory: FaultProxy;
  let web: TestBff;
  let noDefer: TestBff;
  beforeAll(async () => {
    stack = await startTestStack();
    reviews = await startFaultProxy(stack.subgraphUrls.reviews!);
    inventory = await startFaultProxy(stack.subgraphUrls.inventory!);
    const subgraphUrls = { ...stack.subgraphUrls, reviews: reviews.url, inventory: inventory.url };
    web = await stack.bff(webBff, 'production', { subgraphUrls });
    noDefer = await stack.bff(withDeferLimit(webBff, 0), 'production', { subgraphUrls });
  });
  afterEach(() => {
    reviews.mode = 'pass';
  });
  afterAll(async () => {
    await stack?.stop();
    await reviews?.stop();
    await inventory?.stop();
  });

  test('Apollo Client 4 gets the primary part while the deferred reviews are still held at their subgraph, and the whole equals the reply without @defer', async () => {
    reviews.mode = 'held';
    const client = new ApolloClient({ link: new HttpLink({ uri: web.url }), cache: new InMemoryCache(), incrementalHandler: new Defer20220824Handler() });
    const seen: { hasReviews: boolean; dataState: string }[] = [];
    let firstSeen!: () => void;
    const first = new Promise<void>((resolve) => (firstSeen = resolve));
    const final = new Promise<any>((resolve, reject) => {
      const subscription = client.watchQuery({ query: gql(DEFERRED), fetchPolicy: 'no-cache' }).subscribe({
        next: (result) => {
          if (!result.data) return;
          seen.push({ hasReviews: 'reviews' in ((result.data as any).product ?? {}), dataState: result.dataState });
          firstSeen();
          if (result.dataState === 'complete') {
            subscription.unsubscribe();
            resolve(result.data);
          }
        },
        error: reject,
      });
    });
    // The reviews are released only once the client has shown the primary part: a primary part
    // that waited for the deferred one would never arrive (a client reads a part when it sees the delimiter after it).
    const guard = new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), 20_000).unref());
    expect(await Promise.race([first.then(() => 'primary part' as const), guard])).toBe('primary part');
    expect(seen).toEqual([{ hasReviews: false, dataState: 'streaming' }]);
    reviews.release();
    const complete = await final;
    expect(seen.at(-1)).toEqual({ hasReviews: true, dataState: 'complete' });

    reviews.mode = 'pass';
    const whole = await client.query({ query: gql(WHOLE), fetchPolicy: 'no-cache' });
    expect(whole.error).toBeUndefined();
    expect(complete).toEqual(whole.data);
    expect(complete.product.reviews.nodes.length).toBeGreaterThan(0);
  });

  test('the reply is multipart/mixed in the 2022-08-24 format: the primary part, the deferred one at its path, then hasNext false', async () => {
    const { status, contentType, parts } = await postMultipart(web, DEFERRED);
    expect(status).toBe(200);
    expect(contentType).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
    expect(parts[0]).toMatchObject({ data: { product: { id: expect.any(String), name: expect.any(String) } }, hasNext: true });
    expect(parts[0].data.product.reviews).toBeUndefined();
    expect(parts[1]).toMatchObject({ hasNext: true, incremental: [{ path: ['product'], label: 'reviews', data: { ratingSummary: expect.any(Object), reviews: { nodes: expect.any(Array) } } }] });
    expect(parts.at(-1)).toEqual({ hasNext: false });
    expect(parts).toHaveLength(3);
  });

  test('a deferred named fragment, and a fragment spread inside a deferred one: parts, or one whole reply', async () => {
    const query = `query Named { product(sku: "AUD-0001") { id ...Rating @defer(label: "rating") ... @defer { reviews(first: 2) { nodes { ...Review } } } } }
      fragment Rating on Product { ratingSummary { count } }
      fragment Review on Review { id rating }`;
    const { contentType, parts } = await postMultipart(web, query);
    expect(contentType).toContain('multipart/mixed');
    expect(parts.at(-1)).toEqual({ hasNext: false });
    const whole = await web.post({ query });
    expect(whole.status).toBe(200);
    expect(whole.body.errors).toBeUndefined();
    expect(whole.body.data.product).toMatchObject({ ratingSummary: { count: expect.any(Number) }, reviews: { nodes: expect.any(Array) } });
  });

  test('@defer(if: $variable): parts when it is true, one reply when it is false', async () => {
    const query = `query Conditional($parts: Boolean!) { product(sku: "AUD-0001") { id ... @defer(if: $parts) { ratingSummary { count } } } }`;
    const post = async (parts: boolean) => {
      const response = await fetch(web.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'multipart/mixed;deferSpec=20220824,application/json' },
        body: JSON.stringify({ query, variables: { parts } }),
      });
      return { contentType: response.headers.get('content-type'), text: await response.text() };
    };
    const on = await post(true);
    expect(on.contentType).toContain('multipart/mixed');
    const parts = multipartParts(on.text);
    expect(parts[0].data.product.ratingSummary).toBeUndefined();
    expect(parts[1].incremental[0]).toMatchObject({ path: ['product'], data: { ratingSummary: { count: expect.any(Number) } } });
    const off = await post(false);
    expect(off.contentType).toContain('application/json');
    expect(JSON.parse(off.text)).toEqual({ data: { product: { id: parts[0].data.product.id, ratingSummary: parts[1].incremental[0].data.ratingSummary } } });
  });

  test('a client that does not read multipart gets one reply with everything', async () => {
    const deferred = await web.post({ query: DEFERRED });
    const whole = await web.post({ query: WHOLE });
    expect(deferred.headers.get('content-type')).toContain('application/json');
    expect(deferred.body).toEqual(whole.body);
  });

  test('a deferred fragment whose subgraph fails arrives with its errors at its path; the primary part is whole', async () => {
    reviews.mode = 'unavailable';
    const { parts } = await postMultipart(web, DEFERRED);
    expect(parts[0].errors).toBeUndefined();
    expect(parts[0].data.product.name).toEqual(expect.any(String));
    const [item] = parts[1].incremental;
    expect(item.path).toEqual(['product']);
    expect(item.errors?.length).toBeGreaterThan(0);
    expect(parts.at(-1)).toEqual({ hasNext: false });
  });

  test('the policy limits deferred fragments: over the limit, and a client without @defer, each with its own code', async () => {
    const five = `{ product(sku: "AUD-0001") { id ${Array.from({ length: 5 }, (_, i) => `... @defer(label: "d${i}") { name }`).join(' ')} } }`;
    const over = await web.post({ query: five });
    expect(over.status).toBe(400);
    expect(over.body.errors[0].extensions).toMatchObject({ code: 'DEFER_LIMIT_EXCEEDED', limit: 4, measured: 5 });
    const refused = await noDefer.post({ query: DEFERRED });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions.code).toBe('DEFER_NOT_ALLOWED');
    const plain = await noDefer.post({ query: WHOLE });
    expect(plain.body.errors).toBeUndefined();
  });

  test('depth and cost count the selections inside deferred fragments', async () => {
    const deep = `{ product(sku: "AUD-0001") { id ... @defer { reviews(first: 1) { nodes { product { reviews(first: 1) { nodes { product { reviews(first: 1) { nodes { product { reviews(first: 1) { nodes { id } } } } } } } } } } } } } }`;
    const tooDeep = await web.post({ query: deep });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.errors[0].extensions.code).toBe('DEPTH_LIMIT_EXCEEDED');
    const costly = `{ products(first: 100) { nodes { id ... @defer { reviews(first: 100) { nodes { id author { name } product { id } } } } } } }`;
    const tooCostly = await web.post({ query: costly });
    expect(tooCostly.status).toBe(400);
    expect(tooCostly.body.errors[0].extensions.code).toBe('COST_LIMIT_EXCEEDED');
    const sameWithoutDefer = await web.post({ query: costly.replace('... @defer {', '... {') });
    expect(sameWithoutDefer.body.errors[0].extensions.measured).toBe(tooCostly.body.errors[0].extensions.measured);
  });

  test('a client that goes away after the first part: deferred fragments not yet started never fetch', async () => {
    // The nested fragment needs the reviews first, then asks inventory about each review's product.
    const nested = `{ product(sku: "AUD-0001") { id ... @defer { reviews(first: 3) { nodes { id product { id ... @defer { inStock } } } } } } }`;
    const complete = await postMultipart(web, nested);
    expect(complete.parts.length).toBeGreaterThanOrEqual(4);
    expect(complete.parts.some((part) => part.incremental?.some((item: any) => 'inStock' in (item.data ?? {})))).toBe(true);

    reviews.mode = 'slow';
    reviews.delayMs = 800;
    const inventoryBefore = inventory.requests();
    const abort = new AbortController();
    const response = await fetch(web.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed;deferSpec=20220824,application/json' },
      body: JSON.stringify({ query: nested }),
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"hasNext":true');
    abort.abort();
    // Long enough for reviews to answer and the nested fragment to have started, had the client stayed.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(inventory.requests() - inventoryBefore).toBe(0);
  });
});
