import pg from 'pg';
import { isCi, POSTGRES_STATUS_VARIABLE, testDatabaseUrl } from './storage-backends';

/** Jest global setup: probe PostgreSQL once; workers inherit the answer through the environment. */
export default async function globalSetup(): Promise<void> {
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
