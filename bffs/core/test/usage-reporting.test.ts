import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT, type Database } from '@bff/platform';
import { disposeTestDatabase, openTestDatabase } from '@bff/platform/testing';
import { startTestRegistry } from '@bff/schema/registry/testing';
import type { Registry, RegistryServer } from '@bff/schema/registry';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import type { PersistedQueryManifest } from '@bff/formats';
import { startUsageReporter, UsageRecorder } from '../src';
import { startTestStack, type TestBff, type TestStack } from './support/test-stack';

const release = (version: string) => JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases', `${version}.json`), 'utf8')) as PersistedQueryManifest;
const operation = (version: string, name: string) => release(version).operations.find((op) => op.name === name)!;
const TEST_USAGE_TOKEN = 'test-usage-token-0123456789';

/**
 * Usage reporting end to end: real requests through a BFF over the real subgraphs are
 * counted per operation, client and app version, reported to a real registry, and read
 * back as traffic; a registry that is away costs the requests nothing and the reporter
 * stays within its bounds.
 */
describe('usage reporting from a BFF to the registry', () => {
  let stack: TestStack;
  let db: Database;
  let registry: { url: string; registry: Registry; server: RegistryServer };
  const logs: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    db = await openTestDatabase('usage-reporting', 'pglite');
    registry = await startTestRegistry(db);
  });
  afterAll(async () => {
    await registry?.server.close();
    if (db) await disposeTestDatabase(db);
    await stack?.stop();
  });

  const byHash = (bff: TestBff, version: string, name: string, variables: Record<string, unknown>) =>
    bff.post({ extensions: { persistedQuery: { version: 1, sha256Hash: operation(version, name).id } }, variables }, { 'apollographql-client-name': 'mobile-app', 'apollographql-client-version': version });

  test('each operation that ran is reported once per batch with its client, version, counts, errors and coordinates', async () => {
    const recorder = new UsageRecorder({ client: 'mobile' });
    const bff = await stack.bff(mobileBff, 'development', { usage: recorder });
    const reporter = startUsageReporter({ recorder, registryUrl: registry.url, token: TEST_USAGE_TOKEN, intervalMs: 3_600_000, log: (m) => logs.push(m) });
    try {
      for (let i = 0; i < 3; i += 1) expect((await byHash(bff, '1.0.0', 'ProductDetail', { id: 'p-1' })).status).toBe(200);
      for (let i = 0; i < 5; i += 1) expect((await byHash(bff, '1.2.0', 'MobileFeed', { first: 2 })).status).toBe(200);
      // Variables that do not coerce: the operation was admitted and answered with an error, counted as such.
      expect((await byHash(bff, '1.2.0', 'MobileFeed', { first: 'two' })).status).toBe(400);
      expect(recorder.size()).toEqual({ keys: 2, pendingOperations: 2 });
      await reporter.flush();
      expect(recorder.size()).toEqual({ keys: 0, pendingOperations: 0 });

      const traffic = await registry.registry.traffic('mobile');
      const detail = traffic.operations.find((op) => op.operationName === 'ProductDetail')!;
      const feed = traffic.operations.find((op) => op.operationName === 'MobileFeed')!;
      expect(detail).toMatchObject({ operationId: operation('1.0.0', 'ProductDetail').id, clientName: 'mobile-app', clientVersion: '1.0.0', requests: 3, errors: 0 });
      expect(feed).toMatchObject({ operationId: operation('1.2.0', 'MobileFeed').id, clientVersion: '1.2.0', requests: 6, errors: 1 });
      expect(detail.coordinates).toEqual(expect.arrayContaining(['Query.product', 'Query.product.id', 'Product', 'Product.thumbnailUrl', 'Product.thumbnailUrl.size', 'Product.price', 'Money', 'Money.formatted']));
      expect(feed.coordinates).toEqual(expect.arrayContaining(['Query.products.first', 'Product.card', 'Product.card.dpr', 'ProductCard.priceLabel']));
      expect(feed.coordinates).not.toContain('Product.thumbnailUrl');

      // Coordinates travel once per operation: the next report carries counts only.
      await byHash(bff, '1.2.0', 'MobileFeed', { first: 2 });
      const next = recorder.take()!;
      expect(next.report.operations).toEqual([]);
      expect(next.report.usage).toEqual([expect.objectContaining({ requests: 1, clientVersion: '1.2.0' })]);
      next.accepted();
    } finally {
      await reporter.stop();
      await bff.server.stop();
    }
  });

  test('APQ operations from the web BFF are reported under their hash, with the caller’s client name', async () => {
    const recorder = new UsageRecorder({ client: 'web' });
    const bff = await stack.bff(webBff, 'development', { usage: recorder });
    const reporter = startUsageReporter({ recorder, registryUrl: registry.url, token: TEST_USAGE_TOKEN, intervalMs: 3_600_000, log: (m) => logs.push(m) });
    try {
      const query = 'query Categories { categories { id name } }';
      expect((await bff.post({ query }, { 'apollographql-client-name': 'web-storefront', 'apollographql-client-version': '0.3.0' })).status).toBe(200);
      expect((await bff.post({ query })).status).toBe(200);
      await reporter.flush();
      const traffic = (await registry.registry.traffic('web')).operations;
      expect(traffic.map((op) => [op.operationName, op.clientName, op.clientVersion, op.requests]).sort()).toEqual([
        ['Categories', 'web', '', 1],
        ['Categories', 'web-storefront', '0.3.0', 1],
      ]);
      expect(traffic[0]!.coordinates).toEqual(['Category', 'Category.id', 'Category.name', 'ID', 'Query', 'Query.categories', 'String']);
    } finally {
      await reporter.stop();
      await bff.server.stop();
    }
  });

  test('with the registry away, requests are served as ever, the reporter keeps at most its bound, and what it kept arrives later', async () => {
    const recorder = new UsageRecorder({ client: 'mobile', maxKeys: 20 });
    const bff = await stack.bff(mobileBff, 'development', { usage: recorder });
    // Port 1 on loopback: nothing listens, every report fails at once.
    const away = startUsageReporter({ recorder, registryUrl: 'http://127.0.0.1:1', token: TEST_USAGE_TOKEN, intervalMs: 3_600_000, log: (m) => logs.push(m) });
    const before = (await registry.registry.traffic('mobile')).operations.length;
    try {
      // 60 app versions (callers choose the header): more keys than the reporter may keep.
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => byHashVersion(bff, `9.0.${i}`)));
      expect(answers.every((status) => status === 200)).toBe(true);
      await away.flush();
      await away.flush();
      expect(recorder.size().keys).toBe(20);
      expect(logs.filter((line) => line.startsWith('usage report not sent'))).toHaveLength(1);
      await away.stop();

      const back = startUsageReporter({ recorder, registryUrl: registry.url, token: TEST_USAGE_TOKEN, intervalMs: 3_600_000, log: (m) => logs.push(m) });
      await back.stop();
      const after = (await registry.registry.traffic('mobile')).operations;
      expect(after.length - before).toBe(20);
      expect(recorder.size().keys).toBe(0);
    } finally {
      await bff.server.stop();
    }
  });

  test('a report carries a bounded number of operations’ coordinates; the rest follow with the next reports', async () => {
    const recorder = new UsageRecorder({ client: 'mobile', operationsPerReport: 1 });
    const bff = await stack.bff(mobileBff, 'development', { usage: recorder });
    try {
      await byHash(bff, '1.2.0', 'FeedCategories', {});
      await byHash(bff, '1.2.0', 'MobileFeed', { first: 2 });
      const first = recorder.take()!;
      expect(first.report.operations.map((op) => op.name)).toEqual(['FeedCategories']);
      expect(first.report.usage).toHaveLength(2);
      first.accepted();
      await byHash(bff, '1.2.0', 'FeedCategories', {});
      const second = recorder.take()!;
      expect(second.report.operations.map((op) => op.name)).toEqual(['MobileFeed']);
      second.accepted();
      expect(recorder.size()).toEqual({ keys: 0, pendingOperations: 0 });
    } finally {
      await bff.server.stop();
    }
  });

  /** FeedCategories from 1.2.0 with the version header set to anything: the safelist is by hash, the header is the caller's. */
  const byHashVersion = async (bff: TestBff, version: string) => {
    const answer = await bff.post({ extensions: { persistedQuery: { version: 1, sha256Hash: operation('1.2.0', 'FeedCategories').id } } }, { 'apollographql-client-name': 'mobile-app', 'apollographql-client-version': version });
    return answer.status;
  };
});
