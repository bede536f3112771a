import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachStorage, disposeTestDatabase, openTestDatabase } from '../testing';
import type { Database } from './database';
import { migrate, readMigrations, type Seed } from './migrate';

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

const countingSeed = (): Seed & { loads: number } => {
  const seed = {
    version: '1',
    loads: 0,
    async load(tx: Parameters<Seed['load']>[0]) {
      seed.loads += 1;
      await tx.query("INSERT INTO things (name) VALUES ('seeded')");
    },
  };
  return seed;
};

describeEachStorage('migrate', (backend) => {
  let db: Database;
  const dirs: string[] = [];
  beforeEach(async () => {
    db = await openTestDatabase('migrate', backend);
  });
  afterEach(async () => {
    await disposeTestDatabase(db);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  test('applies each migration once, in version order, and records it', async () => {
    const dir = migrationsDir({
      '002_add_color.sql': 'ALTER TABLE things ADD COLUMN color text;',
      '001_create_things.sql': 'CREATE TABLE things (id serial PRIMARY KEY, name text NOT NULL);',
    });
    dirs.push(dir);
    const first = await migrate(db, readMigrations(dir));
    expect(first.applied).toEqual(['001_create_things', '002_add_color']);
    const again = await migrate(db, readMigrations(dir));
    expect(again.applied).toEqual([]);
    const { rows } = await db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(['001', '002']);
  });

  test('loads the seed once, never again on restart', async () => {
    const dir = migrationsDir({ '001_create_things.sql': 'CREATE TABLE things (id serial PRIMARY KEY, name text NOT NULL);' });
    dirs.push(dir);
    const seed = countingSeed();
    expect((await migrate(db, readMigrations(dir), seed)).seeded).toBe(true);
    expect((await migrate(db, readMigrations(dir), seed)).seeded).toBe(false);
    expect(seed.loads).toBe(1);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM things');
    expect(rows[0]!.n).toBe(1);
  });

  test('a failing migration leaves nothing half-applied and names itself', async () => {
    const dir = migrationsDir({
      '001_create_things.sql': 'CREATE TABLE things (id serial PRIMARY KEY, name text NOT NULL);',
      '002_broken.sql': 'CREATE TABLE other (id int); SELECT * FROM no_such_table;',
    });
    dirs.push(dir);
    await expect(migrate(db, readMigrations(dir))).rejects.toThrow(/Migration 002_broken failed/);
    const tables = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('things', 'other')`,
      [db.schema],
    );
    expect(tables.rows).toEqual([]);
  });

  test('a failing seed is rolled back and retried on the next start', async () => {
    const dir = migrationsDir({ '001_create_things.sql': 'CREATE TABLE things (id serial PRIMARY KEY, name text NOT NULL);' });
    dirs.push(dir);
    const failing: Seed = {
      version: '1',
      async load(tx) {
        await tx.query("INSERT INTO things (name) VALUES ('partial')");
        throw new Error('seed source unavailable');
      },
    };
    await expect(migrate(db, readMigrations(dir), failing)).rejects.toThrow('seed source unavailable');
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM things')).rows[0]!.n).toBe(0);
    const seed = countingSeed();
    expect((await migrate(db, readMigrations(dir), seed)).seeded).toBe(true);
  });
});

test('refuses migration files that do not follow NNN_description.sql', () => {
  const dir = migrationsDir({ 'create-things.sql': 'SELECT 1;' });
  expect(() => readMigrations(dir)).toThrow(/must be named NNN_description\.sql/);
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded data directory', () => {
  test('is opened by one process at a time; a lock left by a dead process is taken over', async () => {
    const { openDatabase } = await import('./open-database');
    const { lockDataDir } = await import('./data-dir-lock');
    const dir = mkdtempSync(join(tmpdir(), 'pglite-lock-'));
    try {
      // Another live process (our parent, for the test) holds the directory.
      writeFileSync(join(dir, 'subgraph.lock'), String(process.ppid));
      await expect(openDatabase({ dataDir: dir, schema: 'locked' })).rejects.toThrow(
        `data directory ${dir} is in use by process ${process.ppid}`,
      );
      // Its owner is gone: the lock is stale and taken over.
      writeFileSync(join(dir, 'subgraph.lock'), '999999999');
      const release = lockDataDir(dir);
      expect(() => lockDataDir(dir)).not.toThrow(); // same process may re-take its own lock
      release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
