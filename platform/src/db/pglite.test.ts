import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite, PGLITE_SETTINGS } from './pglite';

describe('openPglite', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('creates a new directory (in a child process), then reopens it with its rows and the same settings', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'pglite-open-')), 'db');
    dirs.push(dataDir);

    const first = await openPglite(dataDir, 'things');
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect((await first.query<{ value: string }>("SELECT current_setting('shared_buffers') AS value")).rows[0]!.value).toBe(PGLITE_SETTINGS.shared_buffers);
    await first.exec('CREATE TABLE things (name text NOT NULL)');
    await first.query('INSERT INTO things (name) VALUES ($1)', ['kept']);
    await first.close();

    const again = await openPglite(dataDir, 'things');
    expect((await again.query<{ value: string }>("SELECT current_setting('shared_buffers') AS value")).rows[0]!.value).toBe(PGLITE_SETTINGS.shared_buffers);
    expect((await again.query<{ name: string }>('SELECT name FROM things')).rows).toEqual([{ name: 'kept' }]);
    await again.close();
  });

  test('an in-memory database gets the same settings', async () => {
    const db = await openPglite('memory://', 'things');
    expect((await db.query<{ value: string }>("SELECT current_setting('shared_buffers') AS value")).rows[0]!.value).toBe(PGLITE_SETTINGS.shared_buffers);
    await db.close();
  });
});
