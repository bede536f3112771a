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
  let web: TestBff;
  let noDefer: TestBff;
  beforeAll(async () => {
    stack = await startTestStack();
    reviews = await startFaultProxy(stack.subgraphUrls.reviews!);
    const subgraphUrls = { ...stack.subgraphUrls, reviews: reviews.url };
    web = await stack.bff(webBff, 'production', { subgraphUrls });
    noDefer = await stack.bff(withDeferLimit(webBff, 0), 'production', { subgraphUrls });
  });
  afterEach(() => {
    reviews.mode = 'pass';
  });
  afterAll(async () => {
    await stack?.stop();
    await reviews?.stop();
  });

  test('Apollo Client 4 gets the primary part before the slow deferred reviews, and the whole equals the reply without @defer', async () => {
    reviews.mode = 'slow';
    reviews.delayMs = 400;
    const client = new ApolloClient({ link: new HttpLink({ uri: web.url }), cache: new InMemoryCache(), incrementalHandler: new Defer20220824Handler() });
    const seen: { hasReviews: boolean; dataState: string }[] = [];
    const final = await new Promise<any>((resolve, reject) => {
      const subscription = client.watchQuery({ query: gql(DEFERRED), fetchPolicy: 'no-cache' }).subscribe({
        next: (result) => {
          if (!result.data) return;
          seen.push({ hasReviews: 'reviews' in ((result.data as any).product ?? {}), dataState: result.dataState });
          if (result.dataState === 'complete') {
            subscription.unsubscribe();
            resolve(result.data);
          }
        },
        error: reject,
      });
    });
    expect(seen[0]).toEqual({ hasReviews: false, dataState: 'streaming' });
    expect(seen.at(-1)).toEqual({ hasReviews: true, dataState: 'complete' });

    reviews.mode = 'pass';
    const whole = await client.query({ query: gql(WHOLE), fetchPolicy: 'no-cache' });
    expect(whole.error).toBeUndefined();
    expect(final).toEqual(whole.data);
    expect(final.product.reviews.nodes.length).toBeGreaterThan(0);
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
});
