import pg from 'pg';
import { disposeTestDatabase, isCi, openTestDatabase, POSTGRES_STATUS_VARIABLE, testDatabaseUrl } from '../testing';

const reachable = process.env[POSTGRES_STATUS_VARIABLE] === 'up' || isCi();

(reachable ? describe : describe.skip)('PostgreSQL storage', () => {
  test('a backend killed mid-transaction fails that transaction, not the process, and the pool recovers', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const db = await openTestDatabase('pgkill', 'postgres');
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      await db.exec(`CREATE SCHEMA IF NOT EXISTS "${db.schema}"; CREATE TABLE things (id int)`);
      const attempt = db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await tx.query('INSERT INTO things VALUES (1)');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((r) => setTimeout(r, 200));
        await tx.query('INSERT INTO things VALUES (2)');
      });
      await expect(attempt).rejects.toThrow();
      expect(logged).toHaveBeenCalledWith(expect.stringMatching(/connection lost during a transaction/));
      // Nothing of the failed transaction was kept, and fresh connections work.
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM things');
      expect(rows[0]!.n).toBe(0);
      await expect(db.transaction((tx) => tx.query('SELECT 1'))).resolves.toBeDefined();
    } finally {
      logged.mockRestore();
      await admin.end();
      await disposeTestDatabase(db);
    }
  });
});
