import pg from 'pg';
import { probeRedis, REDIS_STATUS_VARIABLE, testRedisUrl } from './redis-service';
import { isCi, POSTGRES_STATUS_VARIABLE, testDatabaseUrl } from './storage-backends';

/** Jest global setup: probe PostgreSQL and Redis once; workers inherit the answers through the environment. */
export default async function globalSetup(): Promise<void> {
  await probeRedisOnce();
  const client = new pg.Client({ connectionString: testDatabaseUrl(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    process.env[POSTGRES_STATUS_VARIABLE] = 'up';
  } catch (error) {
    process.env[POSTGRES_STATUS_VARIABLE] = `down: ${(error as Error).message}`;
    const consequence = isCi() ? 'CI=true, so the PostgreSQL suites will FAIL' : 'the PostgreSQL suites will be skipped';
    console.warn(`\nPostgreSQL is not reachable at ${testDatabaseUrl()} (${(error as Error).message}); ${consequence}.\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeRedisOnce(): Promise<void> {
  try {
    await probeRedis();
    process.env[REDIS_STATUS_VARIABLE] = 'up';
  } catch (error) {
    process.env[REDIS_STATUS_VARIABLE] = `down: ${(error as Error).message}`;
    const consequence = isCi() ? 'CI=true, so the Redis suites will FAIL' : 'the Redis suites will be skipped';
    console.warn(`\nRedis is not reachable at ${testRedisUrl()} (${(error as Error).message}); ${consequence}.\n`);
  }
}
