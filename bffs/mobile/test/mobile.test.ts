import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createBffServer, checkedInSupergraph } from '@bff/core';
import { describeBffConformance, bearer, startTestStack, type TestBff, type TestStack } from '@bff/core/testing';
import type { PersistedQueryManifest } from '@bff/formats';
import { readPolicyOf, sha256Hex } from '@bff/formats';
import { REPO_ROOT } from '@bff/platform';
import { mobileBff } from '../src/bff';

describeBffConformance(mobileBff);

const manifest = JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases/1.0.0.json'), 'utf8')) as PersistedQueryManifest;
const idOf = (name: string) => manifest.operations.find((op) => op.name === name)!.id;
const persisted = (name: string) => ({ persistedQuery: { version: 1, sha256Hash: idOf(name) } });

describe('mobile BFF: persisted queries', () => {
  let stack: TestStack;
  let dev: TestBff;
  let production: TestBff;
  beforeAll(async () => {
    stack = await startTestStack();
    dev = await stack.bff(mobileBff, 'development');
    production = await stack.bff(mobileBff, 'production');
  });
  afterAll(() => stack?.stop());

  test('every persisted operation is planned at start-up: the first requests plan nothing', async () => {
    const planned = production.server.plansBuilt();
    expect(planned).toBeGreaterThanOrEqual(manifest.operations.length);
    const { body } = await production.get({ variables: { first: 2 }, extensions: persisted('MobileFeed') });
    expect(body.data.products.nodes).toHaveLength(2);
    const named = await production.post({ operationName: 'ProductDetail', variables: { id: 'p-0001' }, extensions: persisted('ProductDetail') });
    expect(named.body.data.product.id).toBe('p-0001');
    expect(production.server.plansBuilt()).toBe(planned);
  });

  test('a hash-only GET from the app manifest runs the feed', async () => {
    const { status, body } = await production.get({ variables: { first: 3, dpr: 3 }, extensions: persisted('MobileFeed') });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.products.nodes).toHaveLength(3);
    expect(body.data.products.nodes[0].card).toMatchObject({ title: expect.any(String), priceLabel: expect.stringMatching(/^\$/) });
  });

  test('persisted GETs carry Cache-Control from the cache hints: public for the catalog, never for orders', async () => {
    const feed = await production.get({ variables: { first: 3 }, extensions: persisted('MobileFeed') });
    // catalog's product list (60 s) is the tightest hint the feed touches (reviews 120 s, products 300 s).
    expect(feed.headers.get('cache-control')).toBe('max-age=60, public');
    const orders = await production.get({ extensions: persisted('MyOrders') }, await bearer('u-002', ['orders:read']));
    expect(orders.body.data.myOrders.nodes.length).toBeGreaterThan(0);
    expect(orders.headers.get('cache-control')).toBe('no-store');
    const post = await production.post({ variables: { first: 3 }, extensions: persisted('MobileFeed') });
    expect(post.headers.get('cache-control')).toBe('no-store');
  });

  test('a documentId GET (sha256:<hash>) answers exactly as the extensions form does, cacheable the same way', async () => {
    const byExtensions = await production.get({ variables: { first: 4 }, extensions: persisted('MobileFeed') });
    const byDocumentId = await production.get({ documentId: `sha256:${idOf('MobileFeed')}`, variables: { first: 4 } });
    expect(byDocumentId.status).toBe(200);
    expect(byDocumentId.body).toEqual(byExtensions.body);
    expect(byDocumentId.body.data.products.nodes).toHaveLength(4);
    expect(byDocumentId.headers.get('cache-control')).toBe('max-age=60, public');
    const batch = await production.post([{ documentId: `sha256:${idOf('ProductDetail')}`, variables: { id: 'p-0003' } }]);
    expect(batch.body[0].data.product.id).toBe('p-0003');
  });

  test('the feed request, with its variables, is at most 200 bytes on the wire before headers', async () => {
    // What the app sends: the request line (with CRLF) is all there is, a GET has no body.
    const search = new URLSearchParams({ documentId: `sha256:${idOf('MobileFeed')}`, variables: JSON.stringify({ first: 20 }) }).toString();
    const requestLine = `GET /graphql?${search} HTTP/1.1\r\n`;
    expect(Buffer.byteLength(requestLine)).toBeLessThanOrEqual(200);
    const { body } = await production.get(Object.fromEntries(new URLSearchParams(search)));
    expect(body.data.products.nodes).toHaveLength(20);
  });

  test('a POST batch of three hash-only operations answers all three', async () => {
    const { status, body } = await production.post(
      [
        { variables: { first: 2 }, extensions: persisted('MobileFeed') },
        { variables: { id: 'p-0002' }, extensions: persisted('ProductDetail') },
        { extensions: persisted('MyOrders') },
      ],
      await bearer('u-002', ['orders:read']),
    );
    expect(status).toBe(200);
    expect(body).toHaveLength(3);
    expect(body[0].data.products.nodes).toHaveLength(2);
    expect(body[1].data.product).toMatchObject({ id: 'p-0002', reviews: { nodes: expect.any(Array) } });
    expect(body[2].data.myOrders.nodes.length).toBeGreaterThan(0);
  });

  test('an unknown id is refused with PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const { status, body } = await production.get({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const pq = readPolicyOf('mobile').persistedQueries;
    expect(body.errors[0].message).toContain(`supported app version (${pq.mode === 'safelist' ? pq.supportedAppVersions.join(', ') : ''})`);
  });

  test('query text whose hash is not the one sent is refused', async () => {
    const { status, body } = await dev.post({ query: '{ products { nodes { id } } }', extensions: persisted('MobileFeed') });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
  });

  test('free text is refused in production and allowed in development', async () => {
    const query = '{ products(first: 1) { nodes { id } } }';
    const refused = await production.post({ query });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_REQUIRED');
    const allowed = await dev.post({ query });
    expect(allowed.body.data.products.nodes).toHaveLength(1);
  });

  test('introspection is off in production, even where free text is allowed', async () => {
    const introspection = { query: '{ __schema { queryType { name } } }' };
    expect((await production.post(introspection)).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_REQUIRED');
    const lenient = await stack.bff(
      { ...mobileBff, policy: { ...mobileBff.policy, persistedQueries: { ...(mobileBff.policy.persistedQueries as any), freeText: { development: true, production: true } } } },
      'production',
    );
    const refused = await lenient.post(introspection);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toMatch(/introspection is not allowed/);
    expect((await dev.post(introspection)).body.data.__schema.queryType.name).toBe('Query');
  });

  test('a persisted operation that no longer validates stops the start, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifests-'));
    try {
      const body = 'query Stale { product(id: "p-0001") { richDescription } }'; // web-only: not in the mobile API
      const stale: PersistedQueryManifest = { ...manifest, operations: [...manifest.operations, { id: sha256Hex(body), name: 'Stale', type: 'query', body }] };
      writeFileSync(join(dir, '0.9.0.json'), JSON.stringify(stale));
      const policy = { ...mobileBff.policy, persistedQueries: { ...(mobileBff.policy.persistedQueries as any), manifestsDir: dir, supportedAppVersions: ['0.9.0'] } };
      expect(() =>
        createBffServer({ policy, experience: mobileBff.experience, supergraphSdl: readFileSync(checkedInSupergraph('mobile'), 'utf8') }),
      ).toThrow(/Stale \(app 0\.9\.0.*Cannot query field "richDescription"/s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
