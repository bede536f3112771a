import { sha256Hex } from '@bff/formats';
import { describeBffConformance, queryOverDepth, startTestStack, type TestBff, type TestStack } from '@bff/core/testing';
import { webBff } from '../src/bff';

describeBffConformance(webBff);

describe('web BFF: automatic persisted queries', () => {
  let stack: TestStack;
  let web: TestBff;
  beforeAll(async () => {
    stack = await startTestStack();
    web = await stack.bff(webBff, 'production');
  });
  afterAll(() => stack?.stop());

  const apq = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } });

  test('registers on a miss, then answers hash-only, also over GET', async () => {
    const query = /* GraphQL */ `query Home { products(first: 2) { nodes { id name } } }`;
    const miss = await web.get({ extensions: apq(query) });
    expect(miss.status).toBe(200);
    expect(miss.body.errors[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    expect(miss.headers.get('cache-control')).toMatch(/no-cache/);

    const registered = await web.post({ query, extensions: apq(query) });
    expect(registered.body.data.products.nodes).toHaveLength(2);

    const hit = await web.get({ extensions: apq(query) });
    expect(hit.status).toBe(200);
    expect(hit.body).toEqual(registered.body);
  });

  test('a query over a limit is refused and never registered', async () => {
    const query = queryOverDepth(webBff.policy.limits.maxDepth);
    const refused = await web.post({ query, extensions: apq(query) });
    expect(refused.body.errors[0].extensions.code).toBe('DEPTH_LIMIT_EXCEEDED');
    const after = await web.post({ extensions: apq(query) });
    expect(after.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  test('a hash that does not match the query is refused', async () => {
    const { status, body } = await web.post({ query: '{ products { nodes { id } } }', extensions: apq('{ something else }') });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
  });

  test('free text is allowed in production, within the limits', async () => {
    const { body } = await web.post({ query: '{ product(sku: "AUD-0001") { name seo { title } } }' });
    expect(body.data.product.seo.title).toMatch(/\| Shop$/);
  });
});
