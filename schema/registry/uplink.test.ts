import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT, type Database } from '@bff/platform';
import { disposeTestDatabase, openTestDatabase } from '@bff/platform/testing';
import { startTestRegistry, TEST_REGISTRY_TOKEN } from './testing';

const ROUTER_CONFIG = `query SupergraphSdl($apiKey: String!, $ref: String!, $ifAfterId: ID) {
  routerConfig(ref: $ref, apiKey: $apiKey, ifAfterId: $ifAfterId) {
    __typename
    ... on RouterConfigResult { id supergraphSDL minDelaySeconds }
    ... on Unchanged { id minDelaySeconds }
    ... on FetchError { code message }
  }
}`;
const PERSISTED_QUERIES = `query PersistedQueriesManifestQuery($apiKey: String!, $graph_ref: String!, $ifAfterId: ID) {
  persistedQueries(ref: $graph_ref, apiKey: $apiKey, ifAfterId: $ifAfterId) {
    __typename
    ... on PersistedQueriesResult { id minDelaySeconds chunks { id urls } }
    ... on Unchanged { id minDelaySeconds }
    ... on FetchError { code message }
  }
}`;

/**
 * The registry as an Uplink endpoint: what stock gateways and routers poll for a graph's
 * supergraph. A stock @apollo/gateway running on it, in front of the real subgraphs and
 * through a publish, is tools/stack/uplink-stock-gateway.e2e.test.ts.
 */
describe('registry over Uplink', () => {
  let db: Database;
  let registry: Awaited<ReturnType<typeof startTestRegistry>>;
  beforeAll(async () => {
    db = await openTestDatabase('uplink', 'pglite');
    // One second between polls, so the test sees a publish arrive quickly (Apollo's Uplink says 10 s).
    registry = await startTestRegistry(db, { uplink: { minDelaySeconds: 1 } });
  });
  afterAll(async () => {
    await registry?.server.close();
    if (db) await disposeTestDatabase(db);
  });

  const routerConfig = async (variables: Record<string, unknown>) => {
    const response = await fetch(`${registry.url}/uplink`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: ROUTER_CONFIG, variables }) });
    return { status: response.status, body: (await response.json()) as any };
  };

  test('routerConfig answers a client graph, Unchanged for the id it has, and FetchError for an unknown ref', async () => {
    const first = await routerConfig({ ref: 'web@current', apiKey: 'any' });
    expect(first.status).toBe(200);
    const config = first.body.data.routerConfig;
    expect(config).toMatchObject({ __typename: 'RouterConfigResult', minDelaySeconds: 1 });
    expect(config.supergraphSDL).toContain('@link(url: "https://specs.apollo.dev/join/');
    expect((await routerConfig({ ref: 'web', apiKey: 'any', ifAfterId: config.id })).body.data.routerConfig).toEqual({ __typename: 'Unchanged', id: config.id, minDelaySeconds: 1 });
    const mobile = (await routerConfig({ ref: 'mobile@current', apiKey: 'any' })).body.data.routerConfig;
    expect(mobile.id).not.toBe(config.id);
    expect((await routerConfig({ ref: 'desktop@current', apiKey: 'any' })).body.data.routerConfig).toMatchObject({ __typename: 'FetchError', code: 'UNKNOWN_REF' });
    expect((await routerConfig({ ref: 'web@staging', apiKey: 'any' })).body.data.routerConfig).toMatchObject({ __typename: 'FetchError', code: 'UNKNOWN_REF' });
    // For a router the security features stay; for a stock gateway they are demoted, and nothing else changes.
    expect(config.supergraphSDL).toMatch(/authenticated\/v[\d.]+", for: SECURITY\)/);
    const stock = (await routerConfig({ ref: 'web@stock-gateway', apiKey: 'any' })).body.data.routerConfig;
    expect(stock.supergraphSDL).toBe(config.supergraphSDL.replace(/(specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[\d.]+"), for: SECURITY\)/g, '$1)'));
    expect(stock.supergraphSDL).not.toBe(config.supergraphSDL);
    const broken = await fetch(`${registry.url}/uplink`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ nope }"}' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).errors[0].message).toMatch(/nope/);
  });

  const persistedQueries = async (variables: Record<string, unknown>) => {
    const response = await fetch(`${registry.url}/uplink`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: PERSISTED_QUERIES, variables, operationName: 'PersistedQueriesManifestQuery' }),
    });
    return ((await response.json()) as any).data.persistedQueries;
  };

  test("the mobile safelist is served as Apollo Router fetches persisted-query lists, and follows a retirement", async () => {
    const first = await persistedQueries({ graph_ref: 'mobile@current', apiKey: 'any' });
    expect(first).toMatchObject({ __typename: 'PersistedQueriesResult', minDelaySeconds: 1, chunks: [{ id: first.id }] });
    const chunk = await fetch(first.chunks[0].urls[0]);
    expect(chunk.status).toBe(200);
    const manifest = (await chunk.json()) as { format: string; version: number; operations: { id: string; name: string; body: string }[] };
    expect(manifest).toMatchObject({ format: 'apollo-persisted-query-manifest', version: 1 });
    // Every release's operations, each id once.
    const releaseIds = ['1.0.0', '1.1.0', '1.2.0', '1.3.0'].flatMap((v) => (JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases', `${v}.json`), 'utf8')) as typeof manifest).operations.map((op) => op.id));
    expect(manifest.operations.map((op) => op.id).sort()).toEqual([...new Set(releaseIds)].sort());
    expect(await persistedQueries({ graph_ref: 'mobile@current', apiKey: 'any', ifAfterId: first.id })).toEqual({ __typename: 'Unchanged', id: first.id, minDelaySeconds: 1 });

    // Retiring 1.0.0 makes a new list without the operations only it had; the old chunk is gone.
    const retired = await fetch(`${registry.url}/clients/mobile/manifests/1.0.0/retire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_REGISTRY_TOKEN}` },
      body: JSON.stringify({ retiredBy: 'uplink-test' }),
    });
    expect(retired.status).toBe(200);
    const next = await persistedQueries({ graph_ref: 'mobile@current', apiKey: 'any', ifAfterId: first.id });
    expect(next.__typename).toBe('PersistedQueriesResult');
    expect(next.id).not.toBe(first.id);
    const after = (await (await fetch(next.chunks[0].urls[0])).json()) as typeof manifest;
    expect(after.operations.length).toBeLessThan(manifest.operations.length);
    expect((await fetch(first.chunks[0].urls[0])).status).toBe(404);
    // Web runs automatic persisted queries: no list.
    expect(await persistedQueries({ graph_ref: 'web@current', apiKey: 'any' })).toMatchObject({ __typename: 'PersistedQueriesResult', chunks: null });
  });
});
