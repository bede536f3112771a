import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase, REPO_ROOT, type Database } from '@bff/platform';
import { describeEachStorage, disposeTestDatabase, openTestDatabase } from '@bff/platform/testing';
import type { RegistryServer } from './server';
import { startTestRegistry, TEST_REGISTRY_TOKEN } from './testing';
import { readPolicyOf } from '@bff/formats';

/** The mobile releases the policy supports; each release adds one. */
const mobilePq = readPolicyOf('mobile').persistedQueries;
const SUPPORTED_APP_VERSIONS = mobilePq.mode === 'safelist' ? mobilePq.supportedAppVersions : [];

const CATALOG_SDL = readFileSync(resolve(REPO_ROOT, 'subgraphs/catalog/schema.graphql'), 'utf8');
const withBrand = CATALOG_SDL.replace('  "When the product was first listed."', '  "Brand name."\n  brand: String\n  "When the product was first listed."');
const THUMBNAIL = /  "Square thumbnail URL[^\n]*\n  thumbnailUrl[^\n]*\n[^\n]*\n[^\n]*\n/;
// Next versions build on the previous one (brand stays; removing it would be its own breaking change).
const withoutThumbnail = withBrand.replace(THUMBNAIL, '');
const withoutProductCount = withoutThumbnail.replace('  "Number of products listed in this category."\n  productCount: Int!\n', '');

describeEachStorage('schema registry', (backend) => {
  let db: Database;
  let registry: { url: string; server: RegistryServer };
  beforeAll(async () => {
    expect(withoutThumbnail).not.toBe(CATALOG_SDL);
    db = await openTestDatabase('registry', backend);
    registry = await startTestRegistry(db);
  });
  afterAll(async () => {
    await registry?.server.close();
    if (db) await disposeTestDatabase(db);
  });

  const call = (method: string, path: string, body?: unknown, token: string | null = TEST_REGISTRY_TOKEN) =>
    fetch(`${registry.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test('starts with the rover.yaml subgraphs and a supergraph per client, served with ETags', async () => {
    const { subgraphs } = (await (await call('GET', '/subgraphs')).json()) as any;
    expect(subgraphs.map((s: any) => `${s.subgraph}@${s.version}`).sort()).toEqual(['accounts@1', 'catalog@1', 'inventory@1', 'orders@1', 'reviews@1']);
    const first = await call('GET', '/clients/mobile/supergraph');
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${registry.url}/clients/mobile/supergraph`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  test('refuses writes without the token, or with a wrong one', async () => {
    const missing = await call('POST', '/subgraphs/catalog', { sdl: withBrand, publishedBy: 'mallory' }, null);
    expect(missing.status).toBe(401);
    const wrong = await call('POST', '/subgraphs/catalog', { sdl: withBrand, publishedBy: 'mallory' }, 'x'.repeat(TEST_REGISTRY_TOKEN.length));
    expect(wrong.status).toBe(403);
    expect(((await (await call('GET', '/subgraphs/catalog')).json()) as any).version).toBe(1);
  });

  test('publishes a passing change, recording who and the check run', async () => {
    const response = await call('POST', '/subgraphs/catalog', { sdl: withBrand, publishedBy: 'alice' });
    expect(response.status).toBe(201);
    const result = (await response.json()) as any;
    expect(result).toMatchObject({ version: 2, clients: { web: { changed: true }, mobile: { changed: true } } });
    const versions = ((await (await call('GET', '/subgraphs/catalog/versions')).json()) as any).versions;
    expect(versions[0]).toMatchObject({ version: 2, published_by: 'alice', forced: false });
    expect(await (await call('GET', '/clients/web/api-schema')).text()).toMatch(/brand: String/);
  });

  test('refuses a change that breaks a supported app version, and accepts it once that version is retired', async () => {
    const refused = await call('POST', '/subgraphs/catalog', { sdl: withoutThumbnail, publishedBy: 'bob' });
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as any;
    expect(body.error.code).toBe('CHECKS_FAILED');
    const mobile = body.error.report.clients.find((c: any) => c.client === 'mobile');
    expect(mobile.summary).toContain('operation ProductDetail (app version(s) 1.0.0) breaks on Product.thumbnailUrl');

    // Retiring app 1.0.0 takes its manifest out of the checks (and out of the BFF's safelist).
    const retire = await call('POST', '/clients/mobile/manifests/1.0.0/retire', { retiredBy: 'release-manager' });
    expect(retire.status).toBe(200);
    const manifests = JSON.parse(await (await call('GET', '/clients/mobile/manifests')).text());
    expect(manifests.supportedAppVersions).toEqual(SUPPORTED_APP_VERSIONS.filter((v) => v !== '1.0.0'));
    const accepted = await call('POST', '/subgraphs/catalog', { sdl: withoutThumbnail, publishedBy: 'bob' });
    expect(accepted.status).toBe(201);

  });

  test('a failing publish goes through only when forced with a reason, which is recorded', async () => {
    expect(withoutProductCount).not.toBe(withoutThumbnail);
    const refused = await call('POST', '/subgraphs/catalog', { sdl: withoutProductCount, publishedBy: 'dave' });
    expect(refused.status).toBe(409);
    const noReason = await call('POST', '/subgraphs/catalog', { sdl: withoutProductCount, publishedBy: 'dave', force: true });
    expect(noReason.status).toBe(400);
    const forced = await call('POST', '/subgraphs/catalog', { sdl: withoutProductCount, publishedBy: 'dave', force: true, reason: 'productCount moved to search; all clients migrated' });
    expect(forced.status).toBe(201);
    const versions = ((await (await call('GET', '/subgraphs/catalog/versions')).json()) as any).versions;
    expect(versions[0]).toMatchObject({ published_by: 'dave', forced: true, force_reason: 'productCount moved to search; all clients migrated' });

    const runs = ((await (await call('GET', '/check-runs?subgraph=catalog')).json()) as any).checkRuns;
    expect(runs.map((r: any) => `${r.requested_by} ${r.outcome} published=${r.published} forced=${r.forced}`)).toEqual([
      'dave failed published=true forced=true',
      'dave failed published=false forced=false',
      'bob passed-with-warnings published=true forced=false',
      'bob failed published=false forced=false',
      'alice passed published=true forced=false',
    ]);
  });

  test('refuses a manifest whose operations do not validate, and bad input, with clear errors', async () => {
    const bad = await call('PUT', '/clients/mobile/manifests/2.0.0', {
      publishedBy: 'ci',
      manifest: { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'x', name: 'X', type: 'query', body: '{ nope }' }] },
    });
    expect(bad.status).toBe(422);
    const notJson = await fetch(`${registry.url}/subgraphs/catalog`, { method: 'POST', headers: { authorization: `Bearer ${TEST_REGISTRY_TOKEN}` }, body: '{' });
    expect(notJson.status).toBe(400);
    expect((await call('GET', '/nowhere')).status).toBe(404);
    expect((await call('DELETE', '/subgraphs')).status).toBe(405);
  });
});

describe('schema registry storage', () => {
  test('keeps its data across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-'));
    try {
      let db = await openDatabase({ dataDir: dir, schema: 'registry' });
      let registry = await startTestRegistry(db);
      const sdl = CATALOG_SDL.replace('  "When the product was first listed."', '  "Brand."\n  brand: String\n  "When the product was first listed."');
      const response = await fetch(`${registry.url}/subgraphs/catalog`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_REGISTRY_TOKEN}` },
        body: JSON.stringify({ sdl, publishedBy: 'carol' }),
      });
      expect(response.status).toBe(201);
      await registry.server.close();
      await db.close();

      db = await openDatabase({ dataDir: dir, schema: 'registry' });
      registry = await startTestRegistry(db);
      const latest = (await (await fetch(`${registry.url}/subgraphs/catalog`)).json()) as any;
      expect(latest).toMatchObject({ version: 2, published_by: 'carol' });
      await registry.server.close();
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
