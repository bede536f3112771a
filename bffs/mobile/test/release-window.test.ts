import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestStack, type TestBff, type TestStack } from '@bff/core/testing';
import { clientFiles, type PersistedQueryManifest, type PersistedQueryPolicy } from '@bff/formats';
import { mobileBff } from '../src/bff';

const release = (version: string) => JSON.parse(readFileSync(join(clientFiles('mobile').releasesDir, `${version}.json`), 'utf8')) as PersistedQueryManifest;
const idOf = (version: string, name: string) => release(version).operations.find((op) => op.name === name)!.id;
/** An operation of 1.0.0 that no later release has (its ProductDetail still read Product.thumbnailUrl). */
const onlyIn100 = release('1.0.0').operations.find((op) => !['1.1.0', '1.2.0'].some((v) => release(v).operations.some((other) => other.id === op.id)))!;
/** The feed, which 1.0.0 shares with 1.1.0 and anyone may read. */
const shared = release('1.0.0').operations.find((op) => op.name === 'MobileFeed' && release('1.1.0').operations.some((other) => other.id === op.id))!;

function withWindow(window: Partial<Extract<PersistedQueryPolicy, { mode: 'safelist' }>>) {
  const pq = mobileBff.policy.persistedQueries as Extract<PersistedQueryPolicy, { mode: 'safelist' }>;
  return { ...mobileBff, policy: { ...mobileBff.policy, persistedQueries: { ...pq, ...window } } };
}

/** Releases past their support window are told to update, with the version to update to. */
describe('mobile BFF: app releases past their support window', () => {
  let stack: TestStack;
  let byMinimum: TestBff;
  let byDate: TestBff;
  beforeAll(async () => {
    stack = await startTestStack();
    byMinimum = await stack.bff(withWindow({ minimumVersion: '1.1.0' }), 'production');
    byDate = await stack.bff(withWindow({ supportedUntil: { '1.0.0': '2020-01-01T00:00:00Z', '1.1.0': '2999-01-01T00:00:00Z' } }), 'production');
  });
  afterAll(() => stack?.stop());

  const get = (bff: TestBff, id: string, version?: string) =>
    bff.get({ documentId: `sha256:${id}`, variables: { id: 'p-0001' } }, version ? { 'apollographql-client-version': version } : {});

  test('an operation only a release below minimumVersion has gets UPGRADE_REQUIRED with the minimum version', async () => {
    expect(onlyIn100).toBeDefined();
    const { status, body } = await get(byMinimum, onlyIn100.id);
    expect(status).toBe(400);
    expect(body.errors[0].extensions).toEqual({ code: 'UPGRADE_REQUIRED', minimumVersion: '1.1.0' });
  });

  test('a caller that says it is an old release gets UPGRADE_REQUIRED even for an operation a newer release shares', async () => {
    const { body } = await get(byMinimum, shared.id, '1.0.0');
    expect(body.errors[0].extensions).toEqual({ code: 'UPGRADE_REQUIRED', minimumVersion: '1.1.0', appVersion: '1.0.0' });
    expect(body.errors[0].message).toContain('update to 1.1.0');
  });

  test('releases in their window run as before, by id, with or without a version header', async () => {
    const current = await get(byMinimum, idOf('1.2.0', 'ProductDetail'), '1.2.0');
    expect(current.body.errors).toBeUndefined();
    expect(current.body.data.product.id).toBe('p-0001');
    const sharedWithoutHeader = await get(byMinimum, shared.id);
    expect(sharedWithoutHeader.status).toBe(200);
  });

  test('a supportedUntil date that has passed ends a release the same way', async () => {
    const { body } = await get(byDate, onlyIn100.id, '1.0.0');
    expect(body.errors[0].extensions).toEqual({ code: 'UPGRADE_REQUIRED', minimumVersion: '1.1.0', appVersion: '1.0.0' });
    expect((await get(byDate, idOf('1.1.0', 'ProductDetail'), '1.1.0')).body.errors).toBeUndefined();
  });

  test('an id no supported release has is still PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const { body } = await get(byMinimum, 'b'.repeat(64), '1.2.0');
    expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });
});
