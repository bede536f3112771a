import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { catalogSubgraph } from '@subgraphs/catalog';
import { disposeTestDatabase, openTestDatabase } from '@bff/platform/testing';
import { REPO_ROOT, type Database } from '@bff/platform';
import { startTestRegistry, TEST_REGISTRY_TOKEN } from '@bff/schema/registry/testing';
import type { RegistryServer } from '@bff/schema/registry';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { createBffServer, startRegistryPoller, type BffServer, type RegistryPoller } from '../src';
import { startTestStack, withFetchPolicy, type TestStack } from './support/test-stack';
import { readPolicyOf } from '@bff/formats';

/** The mobile releases the policy supports; each release adds one. */
const mobilePq = readPolicyOf('mobile').persistedQueries;
const supportedAppVersions = mobilePq.mode === 'safelist' ? mobilePq.supportedAppVersions : [];

const CATALOG_SDL = readFileSync(resolve(REPO_ROOT, 'subgraphs/catalog/schema.graphql'), 'utf8');
const ANCHOR = '  "When the product was first listed."';
/** The next catalog version: one new field, which the running catalog already serves (deploy, then publish). */
const CATALOG_WITH_BRAND = CATALOG_SDL.replace(ANCHOR, `  "Brand name, as printed on the box."\n  brand: String\n${ANCHOR}`);

describe('registry mode: a BFF following the registry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'registry-mode-'));
  let stack: TestStack;
  let db: Database;
  let registry: { url: string; server: RegistryServer };
  let bff: BffServer;
  let bffUrl: string;
  let poller: RegistryPoller;
  const logs: string[] = [];

  beforeAll(async () => {
    if (!CATALOG_SDL.includes(ANCHOR)) throw new Error('catalog SDL changed; update the test anchor');
    const schemaFile = join(dir, 'catalog.graphql');
    writeFileSync(schemaFile, CATALOG_WITH_BRAND);
    stack = await startTestStack({ catalog: { ...catalogSubgraph, schemaFile } });
    db = await openTestDatabase('registry', 'pglite');
    registry = await startTestRegistry(db);
    const initial = await (await fetch(`${registry.url}/clients/web/supergraph`)).text();
    // The swap is under test, not a busy machine's deadlines: no fetch may time out or trip a circuit here.
    bff = createBffServer({
      // A load from one address: rate limits would be its ceiling, not what this test is about.
      rateLimitBuckets: false,
      policy: withFetchPolicy(webBff, { timeoutMs: 120_000, breakerFailureThreshold: 1_000_000 }).policy,
      experience: webBff.experience,
      supergraphSdl: initial,
      subgraphUrls: Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, `${s.url}/graphql`])),
    });
    bffUrl = `${await bff.listen(0, '127.0.0.1')}/graphql`;
    poller = startRegistryPoller(bff, { registryUrl: registry.url, client: 'web', manifests: false, intervalMs: 100, log: (m) => logs.push(m) });
  });

  afterAll(async () => {
    poller?.stop();
    await bff?.stop();
    await registry?.server.close();
    if (db) await disposeTestDatabase(db);
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (query: string) => {
    const response = await fetch(bffUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const brandQuery = '{ products(first: 2) { nodes { id brand } } }';

  test('a publish under a load of 2,000 requests swaps the supergraph with zero failed requests', async () => {
    expect((await post(brandQuery)).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const TOTAL = 2_000;
    const CONCURRENCY = 20;
    let sent = 0;
    let completed = 0;
    const failures: string[] = [];
    let published = false;
    let swappedDuringLoad = false;

    const worker = async () => {
      while (sent < TOTAL) {
        sent += 1;
        try {
          const { status, body } = await post('{ products(first: 3) { nodes { id name price { formatted } } } }');
          if (status !== 200 || body.errors || body.data.products.nodes.length !== 3) failures.push(`${status} ${JSON.stringify(body).slice(0, 200)}`);
        } catch (error) {
          failures.push(String(error));
        }
        completed += 1;
      }
    };
    const publisher = async () => {
      while (completed < TOTAL / 4) await new Promise((r) => setTimeout(r, 10));
      const response = await fetch(`${registry.url}/subgraphs/catalog`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_REGISTRY_TOKEN}` },
        body: JSON.stringify({ sdl: CATALOG_WITH_BRAND, publishedBy: 'registry-mode test' }),
      });
      expect(response.status).toBe(201);
      published = true;
      // Watch for the swap while the load is still running.
      while (completed < TOTAL) {
        const { body } = await post(brandQuery);
        if (!body.errors) {
          swappedDuringLoad = true;
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await Promise.all([...Array.from({ length: CONCURRENCY }, worker), publisher()]);

    expect(completed).toBeGreaterThanOrEqual(TOTAL);
    expect(failures).toEqual([]);
    expect(published).toBe(true);
    expect(swappedDuringLoad).toBe(true);
    const after = await post(brandQuery);
    expect(after.body).toEqual({ data: { products: { nodes: [{ id: 'p-0001', brand: null }, { id: 'p-0002', brand: null }] } } });
    expect(logs.some((line) => line.startsWith('swapped in supergraph'))).toBe(true);
  }, 300_000);

  test("retiring an app version in the registry takes its operations out of a mobile BFF's safelist in registry mode", async () => {
    const manifest = (version: string) => JSON.parse(readFileSync(resolve(REPO_ROOT, `clients/mobile/releases/${version}.json`), 'utf8'));
    const idOf = (version: string, name: string) => manifest(version).operations.find((op: any) => op.name === name).id as string;
    const oldDetail = idOf('1.0.0', 'ProductDetail');
    const newDetail = idOf('1.1.0', 'ProductDetail');
    expect(oldDetail).not.toBe(newDetail);

    const mobile = createBffServer({
      policy: mobileBff.policy,
      experience: mobileBff.experience,
      supergraphSdl: await (await fetch(`${registry.url}/clients/mobile/supergraph`)).text(),
      subgraphUrls: Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, `${s.url}/graphql`])),
      mode: 'production',
    });
    const url = `${await mobile.listen(0, '127.0.0.1')}/graphql`;
    const mobilePoller = startRegistryPoller(mobile, { registryUrl: registry.url, client: 'mobile', manifests: true, intervalMs: 60_000, log: (m) => logs.push(m) });
    try {
      const detail = async (id: string) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ variables: { id: 'p-0003' }, extensions: { persistedQuery: { version: 1, sha256Hash: id } } }),
        });
        return (await response.json()) as any;
      };
      await mobilePoller.pollOnce();
      expect((await detail(oldDetail)).data.product.id).toBe('p-0003');

      const retired = await fetch(`${registry.url}/clients/mobile/manifests/1.0.0/retire`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_REGISTRY_TOKEN}` },
        body: JSON.stringify({ retiredBy: 'release-manager' }),
      });
      expect(retired.status).toBe(200);
      await mobilePoller.pollOnce();
      expect((await detail(oldDetail)).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect((await detail(newDetail)).data.product.id).toBe('p-0003');
      expect(logs).toContain(`safelist now has app versions ${supportedAppVersions.filter((v) => v !== '1.0.0').join(', ')}`);
    } finally {
      mobilePoller.stop();
      await mobile.stop();
    }
  });

  test('refuses an unusable supergraph and keeps the last good one', async () => {
    const good = bff.supergraphSdl();
    await expect(bff.swap({ supergraphSdl: 'type Query { nothing: Int }' })).rejects.toThrow();
    await expect(bff.swap({ supergraphSdl: good.replace('type Query', 'type Quer') })).rejects.toThrow();
    expect(bff.supergraphSdl()).toBe(good);
    expect((await post(brandQuery)).body.errors).toBeUndefined();
  });

  test('keeps serving the last good supergraph while the registry is down', async () => {
    await registry.server.close();
    await poller.pollOnce();
    expect(logs.at(-1)).toMatch(/registry poll failed, serving the last good supergraph/);
    const { body } = await post(brandQuery);
    expect(body.errors).toBeUndefined();
  });
});
