import { randomBytes } from 'node:crypto';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { describeWithRedis, testRedisUrl } from '@bff/platform/testing';
import type { RateLimitPolicy } from '@bff/formats';
import type { BffDefinition } from '../src';
import { redisTokenBuckets } from '../src/rate-limits/redis-token-buckets';
import { memoryTokenBuckets } from '../src/rate-limits/token-buckets';
import { connectRedis, type RedisConnection } from '../src/shared-state/redis-connection';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

/** One product: an estimated cost of 2 (the product and its price), whatever the data. */
const PRODUCT = { query: '{ product(id: "p-0001") { id name price { formatted } } }' };
const PRODUCT_COST = 2;

const withRateLimits = (definition: BffDefinition, rateLimits: Partial<RateLimitPolicy>): BffDefinition => ({
  ...definition,
  policy: { ...definition.policy, rateLimits: { anonymousPerMinute: 1_000, userPerMinute: 1_000, appPerMinute: 100_000, trustedProxies: [], ...rateLimits } },
});

/** Posts until the first refusal (at most `max` requests); how many passed, and the refusal. */
async function spendUntilRefused(bffs: TestBff[], max: number, headers: Record<string, string> = {}, body: unknown = PRODUCT) {
  for (let i = 0; i < max; i++) {
    const reply = await bffs[i % bffs.length]!.post(body, headers);
    if (reply.status === 429) return { passed: i, refusal: reply };
    expect(reply.status).toBe(200);
  }
  return { passed: max, refusal: undefined };
}

describe('rate limits per client, charged by cost', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  test('an anonymous caller spends its budget by cost, then gets 429 RATE_LIMITED with Retry-After; its budget is in every reply', async () => {
    const bff = await stack.bff(withRateLimits(webBff, { anonymousPerMinute: 10 * PRODUCT_COST }), 'development', { rateLimitBuckets: memoryTokenBuckets() });
    const first = await bff.post(PRODUCT);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe(String(10 * PRODUCT_COST));
    expect(first.headers.get('ratelimit-remaining')).toBe(String(9 * PRODUCT_COST));
    const { passed, refusal } = await spendUntilRefused([bff], 20);
    expect(passed).toBe(9);
    expect(refusal!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(refusal!.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', budget: 'anonymous', limit: 10 * PRODUCT_COST, cost: PRODUCT_COST, retryAfterSeconds: expect.any(Number) });
    expect(refusal!.body.errors[0].extensions.remaining).toBeLessThan(PRODUCT_COST);
  });

  test('a dearer operation spends more of the budget than a cheap one (cost, not request count)', async () => {
    const bff = await stack.bff(withRateLimits(webBff, { anonymousPerMinute: 500 }), 'development', { rateLimitBuckets: memoryTokenBuckets() });
    const cheap = await bff.post(PRODUCT);
    const dear = await bff.post({ query: '{ products(first: 20) { nodes { id reviews(first: 10) { nodes { id } } } } }' });
    const spentCheap = 500 - Number(cheap.headers.get('ratelimit-remaining'));
    const spentDear = Number(cheap.headers.get('ratelimit-remaining')) - Number(dear.headers.get('ratelimit-remaining'));
    expect(spentCheap).toBe(PRODUCT_COST);
    expect(spentDear).toBeGreaterThan(100);
  });

  test('signed-in users have budgets of their own; an app version shares one budget over all its callers', async () => {
    const bff = await stack.bff(withRateLimits(webBff, { userPerMinute: 3 * PRODUCT_COST, appPerMinute: 8 * PRODUCT_COST }), 'development', { rateLimitBuckets: memoryTokenBuckets() });
    const app = { 'apollographql-client-name': 'storefront', 'apollographql-client-version': '2026.12.1' };
    const alice = { ...(await bearer('u-001')), ...app };
    const bob = { ...(await bearer('u-002')), ...app };
    expect((await spendUntilRefused([bff], 10, alice)).passed).toBe(3);
    const bobs = await spendUntilRefused([bff], 10, bob);
    expect(bobs.passed).toBe(3);
    expect(bobs.refusal!.body.errors[0].extensions.budget).toBe('user');
    // The app version has spent 6 of 8; a third user gets 2 more, then the app's budget is the one refused.
    const carol = { ...(await bearer('u-003')), ...app };
    const carols = await spendUntilRefused([bff], 10, carol);
    expect(carols.passed).toBe(2);
    expect(carols.refusal!.body.errors[0].extensions.budget).toBe('app');
    // Another version of the app has its own.
    expect((await bff.post(PRODUCT, { ...(await bearer('u-004')), ...app, 'apollographql-client-version': '2026.12.2' })).status).toBe(200);
  });

  test('behind a trusted proxy the caller is the address it forwards; from anyone else X-Forwarded-For is ignored', async () => {
    const trusting = await stack.bff(withRateLimits(webBff, { anonymousPerMinute: 2 * PRODUCT_COST, trustedProxies: ['127.0.0.1'] }), 'development', { rateLimitBuckets: memoryTokenBuckets() });
    expect((await spendUntilRefused([trusting], 5, { 'x-forwarded-for': '203.0.113.7' })).passed).toBe(2);
    // A caller that writes its own X-Forwarded-For does not get a fresh budget: the proxy appends the address it saw.
    expect((await spendUntilRefused([trusting], 5, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' })).passed).toBe(0);
    expect((await spendUntilRefused([trusting], 5, { 'x-forwarded-for': '203.0.113.8' })).passed).toBe(2);
    const untrusting = await stack.bff(withRateLimits(webBff, { anonymousPerMinute: 2 * PRODUCT_COST }), 'development', { rateLimitBuckets: memoryTokenBuckets() });
    expect((await spendUntilRefused([untrusting], 5, { 'x-forwarded-for': '203.0.113.7' })).passed).toBe(2);
    expect((await spendUntilRefused([untrusting], 5, { 'x-forwarded-for': '203.0.113.9' })).passed).toBe(0);
  });
});

describeWithRedis('rate limits shared by replicas through Redis', () => {
  let stack: TestStack;
  let connections: RedisConnection[];
  beforeAll(async () => {
    stack = await startTestStack();
    connections = await Promise.all([connectRedis(testRedisUrl()), connectRedis(testRedisUrl()), connectRedis(testRedisUrl())]);
  });
  afterAll(async () => {
    await Promise.all((connections ?? []).map((c) => c.close()));
    await stack?.stop();
  });

  test('two replicas refuse a caller at the same point (one budget), while another client’s callers are unaffected', async () => {
    // A prefix of this run's own: budgets left in Redis by another run never count here.
    const prefix = `bff:rate:test-${randomBytes(4).toString('hex')}:`;
    const web = withRateLimits(webBff, { anonymousPerMinute: 10 * PRODUCT_COST });
    const replicas = [
      await stack.bff(web, 'development', { rateLimitBuckets: redisTokenBuckets(connections[0]!.redis, prefix) }),
      await stack.bff(web, 'development', { rateLimitBuckets: redisTokenBuckets(connections[1]!.redis, prefix) }),
    ];
    const mobile = await stack.bff(withRateLimits(mobileBff, { anonymousPerMinute: 10 * PRODUCT_COST }), 'development', { rateLimitBuckets: redisTokenBuckets(connections[2]!.redis, prefix) });
    const { passed, refusal } = await spendUntilRefused(replicas, 30);
    expect(passed).toBe(10);
    expect(refusal!.status).toBe(429);
    // Both replicas now refuse this caller; the mobile BFF's callers (from the same address) have their own budget.
    for (const replica of replicas) expect((await replica.post(PRODUCT)).status).toBe(429);
    expect((await mobile.post(PRODUCT)).status).toBe(200);
  });

  test('when Redis cannot answer, each replica limits from its own memory: requests never fail for it', async () => {
    const logged: string[] = [];
    const gone = await connectRedis('redis://127.0.0.1:9', { connectWaitMs: 200, log: () => undefined });
    try {
      const bff = await stack.bff(withRateLimits(webBff, { anonymousPerMinute: 3 * PRODUCT_COST }), 'development', { rateLimitBuckets: redisTokenBuckets(gone.redis, 'bff:rate:', (line) => logged.push(line)) });
      const { passed, refusal } = await spendUntilRefused([bff], 10);
      expect(passed).toBe(3);
      expect(refusal!.body.errors[0].extensions.code).toBe('RATE_LIMITED');
      expect(logged).toEqual([expect.stringMatching(/Redis cannot answer/)]);
    } finally {
      await gone.close();
    }
  });
});
