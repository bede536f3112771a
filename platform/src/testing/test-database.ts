import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { quoteIdentifier, type Database } from '../db/database';
import { openDatabase } from '../db/open-database';
import { pgliteClusterDump, pgliteStartParams } from '../db/pglite';
import { testDatabaseUrl, type StorageBackend } from './storage-backends';

/** A fresh throw-away database on the given backend: PGlite in memory, or a new PostgreSQL schema. */
export async function openTestDatabase(name: string, backend: StorageBackend): Promise<Database> {
  if (backend === 'pglite') return openDatabase({ dataDir: 'memory://', schema: name, pgliteDataDirDump: await newClusterDump() });
  const schema = `test_${name}_${randomBytes(4).toString('hex')}`;
  return openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: '', schema });
}

/** Drops what `openTestDatabase` created and closes it. */
export async function disposeTestDatabase(db: Database): Promise<void> {
  if (db.kind === 'postgres') await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdentifier(db.schema)} CASCADE`);
  await db.close();
}

/**
 * A new PGlite cluster's dump, made once per PGlite version and settings and kept in the
 * temporary directory, so each test database skips initdb (a test stack opens five). Each
 * test file has its own module registry, hence the file, not a variable. Written to a
 * temporary name and renamed: two test workers making it at once both end with a whole file.
 */
let clusterDump: Promise<Blob> | undefined;
function newClusterDump(): Promise<Blob> {
  // Read once per test file: a test stack opens five databases at once.
  clusterDump ??= readOrMakeClusterDump().catch((error: unknown) => {
    clusterDump = undefined;
    throw error;
  });
  return clusterDump;
}

async function readOrMakeClusterDump(): Promise<Blob> {
  const pglitePackage = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const key = createHash('sha256')
    .update(existsSync(pglitePackage) ? readFileSync(pglitePackage) : 'unknown')
    .update(pgliteStartParams().join(' '))
    .digest('hex')
    .slice(0, 16);
  const file = join(tmpdir(), `bff-test-pglite-cluster-${key}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const dump = await pgliteClusterDump();
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
  renameSync(temporary, file);
  return dump;
}
