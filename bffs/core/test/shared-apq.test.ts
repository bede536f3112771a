import { webBff } from '@bff/web';
import { ErrorCode } from '@bff/platform';
import { describeWithRedis, testRedisUrl } from '@bff/platform/testing';
import { sha256Hex } from '@bff/formats';
import { sharedApqStore } from '../src/persisted/redis-apq-store';
import { connectRedis, type RedisConnection } from '../src/shared-state/redis-connection';
import { startTestStack, type TestBff, type TestStack } from './support/test-stack';

/**
 * Two replicas of the web BFF, each with its own Redis connection (as two processes would
 * have), share automatic persisted queries through real Redis.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describeWithRedis('two web BFF replicas share APQ through Redis', () => {
  const prefix = `test:${process.pid}:${Date.now()}:apq:`;
  let connections: RedisConnection[] = [];
  let replicaA: TestBff;
  let replicaB: TestBff;

  const query = `query SharedApq${process.pid} { products(first: 2) { nodes { id name } } }`;
  const hash = sha256Hex(query);
  const hashOnly = { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };

  beforeAll(async () => {
    connections = await Promise.all([connectRedis(testRedisUrl()), connectRedis(testRedisUrl())]);
    // Under CI a missing Redis must fail here, loudly, not look like a cache miss later.
    for (const { redis } of connections) expect(await redis.ping()).toBe('PONG');
    replicaA = await stack.bff(webBff, 'production', { apqStore: sharedApqStore(connections[0]!.redis, 'web', { prefix }) });
    replicaB = await stack.bff(webBff, 'production', { apqStore: sharedApqStore(connections[1]!.redis, 'web', { prefix }) });
  });
  afterAll(async () => {
    const keys = connections[0] ? await connections[0].redis.keys(`${prefix}*`) : [];
    if (keys.length) await connections[0]!.redis.del(...keys);
    await Promise.all(connections.map((c) => c.close()));
  });

  test('a hash registered on one replica is served by the other', async () => {
    const before = await replicaB.get(hashOnly);
    expect(before.status).toBe(200);
    expect(before.body.errors[0].extensions.code).toBe(ErrorCode.PERSISTED_QUERY_NOT_FOUND);

    const registered = await replicaA.post({ query, ...hashOnly });
    expect(registered.body.data.products.nodes).toHaveLength(2);

    const served = await replicaB.get(hashOnly);
    expect(served.status).toBe(200);
    expect(served.body).toEqual(registered.body);
  });

  test('the entry is in Redis under the client prefix, with an expiry', async () => {
    const { redis } = connections[0]!;
    expect(await redis.get(prefix + hash)).toBe(query);
    const ttl = await redis.ttl(prefix + hash);
    expect(ttl).toBeGreaterThan(24 * 3600);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
  });

  test('a query refused by the limits is registered nowhere', async () => {
    const deep = `query TooDeep${process.pid} { products { nodes { reviews { nodes { author { reviews { nodes { product { reviews { nodes { author { reviews { nodes { id } } } } } } } } } } } } } }`;
    const refused = await replicaA.post({ query: deep, extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(deep) } } });
    expect(refused.status).toBe(400);
    expect(await connections[0]!.redis.exists(prefix + sha256Hex(deep))).toBe(0);
  });
});

describe('an APQ store whose Redis is unreachable', () => {
  test('answers misses and keeps serving queries: Redis trouble never fails a request', async () => {
    const logged: string[] = [];
    // Nothing listens on port 9 of 127.0.0.1: every command fails at once.
    const connection = await connectRedis('redis://127.0.0.1:9', { connectWaitMs: 200, log: (line) => logged.push(line) });
    try {
      const bff = await stack.bff(webBff, 'production', { apqStore: sharedApqStore(connection.redis, 'web', { log: (line) => logged.push(line) }) });
      const query = '{ products(first: 1) { nodes { id } } }';
      const persistedQuery = { version: 1, sha256Hash: sha256Hex(query) };
      const miss = await bff.get({ extensions: { persistedQuery } });
      expect(miss.body.errors[0].extensions.code).toBe(ErrorCode.PERSISTED_QUERY_NOT_FOUND);
      const registered = await bff.post({ query, extensions: { persistedQuery } });
      expect(registered.body.data.products.nodes).toHaveLength(1);
      // This replica's own memory still serves it.
      const hit = await bff.get({ extensions: { persistedQuery } });
      expect(hit.body.data.products.nodes).toHaveLength(1);
      expect(logged.some((line) => /Redis .*unavailable/.test(line))).toBe(true);
      expect(logged.some((line) => /Redis write failed/.test(line))).toBe(true);
    } finally {
      await connection.close();
    }
  });
});
