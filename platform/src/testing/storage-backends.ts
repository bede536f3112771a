/**
 * Which storage backends the test suites run against. PGlite always runs. PostgreSQL runs
 * when `TEST_DATABASE_URL` (default: the local server's `test` database) answers; when it
 * does not, the PostgreSQL suites are skipped locally but FAIL under `CI=true`, so CI can
 * never pass without having exercised real PostgreSQL.
 *
 * Jest's global setup probes the server once and records the answer in
 * `POSTGRES_TEST_STATUS`, because `describe` blocks must be declared synchronously.
 */
export type StorageBackend = 'pglite' | 'postgres';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

export function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

export const POSTGRES_STATUS_VARIABLE = 'POSTGRES_TEST_STATUS';

/** `describe` once per backend; the suite receives the backend it runs on. */
export function describeEachStorage(title: string, suite: (backend: StorageBackend) => void): void {
  describe(`${title} [PGlite]`, () => suite('pglite'));
  const status = process.env[POSTGRES_STATUS_VARIABLE] ?? 'unknown';
  if (status === 'up' || isCi()) {
    // Under CI a missing server is not a reason to skip: the suite runs and fails loudly.
    describe(`${title} [PostgreSQL]`, () => suite('postgres'));
  } else {
    describe.skip(`${title} [PostgreSQL: not reachable at ${testDatabaseUrl()} (${status}); set CI=true to make this fail]`, () =>
      suite('postgres'),
    );
  }
}
