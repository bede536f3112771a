import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT, type Database } from '@bff/platform';
import { describeEachStorage, disposeTestDatabase, openTestDatabase } from '@bff/platform/testing';
import type { UsageReport } from '@bff/formats';
import type { Registry } from './registry';
import type { RegistryServer } from './server';
import { startTestRegistry, TEST_REGISTRY_TOKEN, TEST_USAGE_TOKEN } from './testing';

const CATALOG_SDL = readFileSync(resolve(REPO_ROOT, 'subgraphs/catalog/schema.graphql'), 'utf8');
const THUMBNAIL = /  "Square thumbnail URL[^\n]*\n  thumbnailUrl[^\n]*\n[^\n]*\n[^\n]*\n/;
const WITHOUT_THUMBNAIL = CATALOG_SDL.replace(THUMBNAIL, '');
const DAY = 86_400_000;
const PRODUCT_DETAIL_1_0_0 = JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases/1.0.0.json'), 'utf8')).operations.find((op: { name: string }) => op.name === 'ProductDetail').id as string;

/** A report of one operation from mobile app 1.0.0, seen `daysAgo` days ago, touching Product.thumbnailUrl. */
const reportFrom1_0_0 = (requests: number, daysAgo: number): UsageReport => ({
  client: 'mobile',
  operations: [{ id: PRODUCT_DETAIL_1_0_0, name: 'ProductDetail', coordinates: ['Product', 'Product.thumbnailUrl', 'Product.thumbnailUrl.size', 'Query.product'] }],
  usage: [{ operationId: PRODUCT_DETAIL_1_0_0, clientName: 'mobile-app', clientVersion: '1.0.0', requests, errors: 1, lastSeen: new Date(Date.now() - daysAgo * DAY).toISOString() }],
  dropped: 0,
});

/**
 * The registry's side of usage: it takes the BFFs' reports behind their token, keeps them
 * for its retention window, and judges publishes and retirements by the traffic of the
 * last 7 days. (The BFF's side, reporting real requests, is bffs/core/test/usage-reporting.test.ts.)
 */
describeEachStorage('registry usage', (backend) => {
  let db: Database;
  let started: { url: string; registry: Registry; server: RegistryServer };
  beforeAll(async () => {
    expect(WITHOUT_THUMBNAIL).not.toBe(CATALOG_SDL);
    db = await openTestDatabase('registry-usage', backend);
    started = await startTestRegistry(db);
  });
  afterAll(async () => {
    await started?.server.close();
    if (db) await disposeTestDatabase(db);
  });

  const call = (method: string, path: string, body?: unknown, token: string | null = TEST_REGISTRY_TOKEN) =>
    fetch(`${started.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const report = async (body: unknown, token: string | null = TEST_USAGE_TOKEN) => {
    const response = await call('POST', '/usage', body, token);
    return { status: response.status, body: (await response.json()) as any };
  };

  test('takes reports only with a token, and refuses malformed ones with a clear error', async () => {
    expect((await report(reportFrom1_0_0(1, 0), null)).status).toBe(401);
    expect((await report(reportFrom1_0_0(1, 0), 'wrong-token-0123456789')).status).toBe(403);
    const bad = [
      [{ ...reportFrom1_0_0(1, 0), client: 'desktop' }, 404, 'NOT_FOUND'],
      [{ client: 'mobile', operations: [], usage: [{ operationId: 'abc', clientName: 'x', clientVersion: '', requests: 1, errors: 0, lastSeen: new Date().toISOString() }] }, 400, 'BAD_REQUEST'],
      [{ client: 'mobile', operations: [], usage: [{ operationId: PRODUCT_DETAIL_1_0_0, clientName: 'x', clientVersion: '', requests: 1, errors: 2, lastSeen: new Date().toISOString() }] }, 400, 'BAD_REQUEST'],
      [{ client: 'mobile', operations: [], usage: [{ operationId: PRODUCT_DETAIL_1_0_0, clientName: 'x'.repeat(65), clientVersion: '', requests: 1, errors: 0, lastSeen: new Date().toISOString() }] }, 400, 'BAD_REQUEST'],
      [[1, 2], 400, 'BAD_REQUEST'],
    ] as const;
    for (const [body, status, code] of bad) {
      const answer = await report(body);
      expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status, code });
    }
    // Nothing of a refused report was stored.
    expect(((await (await call('GET', '/clients/mobile/usage')).json()) as any).operations).toEqual([]);
    // The write token may report too (a registry without a usage token of its own).
    expect((await report({ client: 'mobile', operations: [], usage: [], dropped: 0 }, TEST_REGISTRY_TOKEN)).status).toBe(202);
  });

  test('traffic older than the window does not hold a change back: the removal is a conditional breaking change', async () => {
    expect((await report(reportFrom1_0_0(40, 10))).status).toBe(202);
    const usage = (await (await call('GET', '/clients/mobile/usage?days=30')).json()) as any;
    expect(usage.operations).toEqual([expect.objectContaining({ operationId: PRODUCT_DETAIL_1_0_0, operationName: 'ProductDetail', clientVersion: '1.0.0', requests: 40, errors: 1 })]);
    expect(((await (await call('GET', '/clients/mobile/usage')).json()) as any).operations).toEqual([]);

    // Release 1.0.0 had no traffic in the last 7 days: it can be retired without force.
    expect((await call('POST', '/clients/mobile/manifests/1.0.0/retire', { retiredBy: 'release-manager' })).status).toBe(200);
    const published = await call('POST', '/subgraphs/catalog', { sdl: WITHOUT_THUMBNAIL, publishedBy: 'carol' });
    expect(published.status).toBe(201);
    const mobile = ((await published.json()) as any).report.clients.find((c: any) => c.client === 'mobile');
    expect(mobile.outcome).toBe('passed-with-warnings');
    expect(mobile.changes).toContainEqual(expect.objectContaining({ code: 'FIELD_REMOVED', coordinate: 'Product.thumbnailUrl', conditional: true, traffic: { windowDays: 7, requests: 0, operations: [] } }));
    expect(mobile.summary).toContainEqual(expect.stringMatching(/1 conditional breaking change\(s\): no registered operation uses them and no traffic in the last 7 days/));
    // Put the field back for the next test.
    expect((await call('POST', '/subgraphs/catalog', { sdl: CATALOG_SDL, publishedBy: 'carol' })).status).toBe(201);
  });

  test('traffic in the window fails the removal, naming the operation, client and version, and refuses a retirement unless forced', async () => {
    expect((await call('PUT', `/clients/mobile/manifests/1.0.0`, { manifest: JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases/1.0.0.json'), 'utf8')), publishedBy: 'release-manager' })).status).toBe(201);
    expect((await report(reportFrom1_0_0(12, 1))).status).toBe(202);
    expect((await report(reportFrom1_0_0(3, 0))).status).toBe(202);

    const refused = await call('POST', '/clients/mobile/manifests/1.0.0/retire', { retiredBy: 'release-manager' });
    expect(refused.status).toBe(409);
    const refusal = ((await refused.json()) as any).error;
    expect(refusal.code).toBe('RELEASE_IN_USE');
    expect(refusal.message).toMatch(/mobile app 1\.0\.0 had 15 request\(s\) in the last 7 days .*operations ProductDetail/);
    expect(refusal.traffic).toEqual([expect.objectContaining({ operationName: 'ProductDetail', clientName: 'mobile-app', clientVersion: '1.0.0', requests: 15, errors: 2 })]);
    expect((await call('POST', '/clients/mobile/manifests/1.0.0/retire', { retiredBy: 'release-manager', force: true })).status).toBe(400);
    const forced = await call('POST', '/clients/mobile/manifests/1.0.0/retire', { retiredBy: 'release-manager', force: true, reason: 'security fix: 1.0.0 must update' });
    expect(forced.status).toBe(200);
    expect(((await forced.json()) as any).forcedOverTraffic).toBe(true);

    // 1.0.0 is retired, so no registered operation breaks: only the traffic does.
    const failed = await call('POST', '/subgraphs/catalog', { sdl: WITHOUT_THUMBNAIL, publishedBy: 'carol' });
    expect(failed.status).toBe(409);
    const mobile = ((await failed.json()) as any).error.report.clients.find((c: any) => c.client === 'mobile');
    expect(mobile.operations.broken).toEqual([]);
    expect(mobile.operations.skipped).toContainEqual({ source: 'app 1.0.0', reason: expect.stringContaining('(forced: security fix: 1.0.0 must update)') });
    expect(mobile.summary).toContain('breaking change used in the last 7 days: Product.thumbnailUrl was removed. by 15 request(s): ProductDetail (mobile-app 1.0.0, 15)');
    expect(mobile.changes).toContainEqual(expect.objectContaining({ coordinate: 'Product.thumbnailUrl', traffic: expect.objectContaining({ requests: 15 }) }));
    expect(mobile.changes.find((c: any) => c.coordinate === 'Product.thumbnailUrl').conditional).toBeUndefined();
  });

  test('usage past the retention window is deleted', async () => {
    expect((await report(reportFrom1_0_0(5, 45))).status).toBe(202);
    const before = ((await (await call('GET', '/clients/mobile/usage?days=30')).json()) as any).operations;
    expect(await started.registry.expireUsage()).toBe(1);
    const after = ((await (await call('GET', '/clients/mobile/usage?days=30')).json()) as any).operations;
    expect(after).toEqual(before);
    expect((await call('GET', '/clients/mobile/usage?days=31')).status).toBe(400);
  });
});
