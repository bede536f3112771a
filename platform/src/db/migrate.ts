import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quoteIdentifier, type Database, type Transaction } from './database';

/**
 * Versioned migrations: `NNN_description.sql` files applied in order, each recorded in
 * `schema_migrations` so it runs exactly once per database. All pending migrations run in
 * one transaction under an advisory lock, so two replicas starting at once cannot both
 * apply them and a failed migration leaves nothing half-written.
 *
 * The seed is recorded in the same table under its own version: it is loaded once, and a
 * restart (or a second replica) never loads it again.
 */
export interface Migration {
  version: string;
  name: string;
  sql: string;
}

export interface Seed {
  /** Bump when the seed's content changes; an already-seeded database is left alone. */
  version: string;
  load(tx: Transaction): Promise<void>;
}

export interface MigrationReport {
  applied: string[];
  seeded: boolean;
}

const MIGRATION_FILE = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

export function readMigrations(directory: string): Migration[] {
  const migrations = readdirSync(directory)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = MIGRATION_FILE.exec(file);
      if (!match) throw new Error(`Migration file "${file}" in ${directory} must be named NNN_description.sql`);
      return { version: match[1]!, name: match[2]!, sql: readFileSync(join(directory, file), 'utf8') };
    })
    .sort((a, b) => a.version.localeCompare(b.version));
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new Error(`Two migrations in ${directory} share version ${migrations[i]!.version}`);
    }
  }
  return migrations;
}

/** A stable 32-bit key per schema, so subgraphs sharing a server do not wait on each other. */
function lockKey(schema: string): number {
  let hash = 0;
  for (const char of `migrate:${schema}`) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

async function lock(tx: Transaction, schema: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey(schema)]);
  // Under the lock, so two replicas creating the schema at once do not collide.
  await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  await tx.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function migrate(db: Database, migrations: Migration[], seed?: Seed): Promise<MigrationReport> {
  const applied = await db.transaction(async (tx) => {
    await lock(tx, db.schema);
    const done = new Set(
      (await tx.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    );
    const pending = migrations.filter((m) => !done.has(m.version));
    for (const migration of pending) {
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new Error(`Migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`);
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    return pending.map((m) => `${m.version}_${m.name}`);
  });

  let seeded = false;
  if (seed) {
    const seedVersion = `seed:${seed.version}`;
    seeded = await db.transaction(async (tx) => {
      await lock(tx, db.schema);
      const existing = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [seedVersion]);
      if (existing.rows.length > 0) return false;
      await seed.load(tx);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [seedVersion, 'seed']);
      return true;
    });
  }
  return { applied, seeded };
}
