import { randomBytes } from 'node:crypto';
import { quoteIdentifier, type Database } from '../db/database';
import { openDatabase } from '../db/open-database';
import { testDatabaseUrl, type StorageBackend } from './storage-backends';

/** A fresh throw-away database on the given backend: PGlite in memory, or a new PostgreSQL schema. */
export async function openTestDatabase(name: string, backend: StorageBackend): Promise<Database> {
  if (backend === 'pglite') return openDatabase({ dataDir: 'memory://', schema: name });
  const schema = `test_${name}_${randomBytes(4).toString('hex')}`;
  return openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: '', schema });
}

/** Drops what `openTestDatabase` created and closes it. */
export async function disposeTestDatabase(db: Database): Promise<void> {
  if (db.kind === 'postgres') await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdentifier(db.schema)} CASCADE`);
  await db.close();
}
