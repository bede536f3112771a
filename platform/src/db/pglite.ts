import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type PGliteOptions, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import { PGLITE_WASM_NODE_FLAGS } from './pglite-node-flags';
import { quoteIdentifier, type Database, type QueryResult, type Transaction } from './database';

/**
 * PostgreSQL settings of the embedded database, passed as `-c name=value` on every start
 * (they override the data directory's postgresql.conf, so existing directories get them
 * too). PostgreSQL (`DATABASE_URL`) mode is not affected: that server is tuned by whoever
 * runs it.
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  /**
   * PostgreSQL's default, 128MB, sits inside PGlite's WASM heap, and that heap is all
   * resident: the shared memory is zeroed when it is mapped, so every buffer costs RSS from
   * the first second whether a page is ever cached in it or not. A subgraph's whole database
   * is about 8 MB, most of it system-catalog pages it never reads; its working set is far
   * smaller, so 8MB reads no more blocks from disk than 128MB and saves most of the shared
   * memory's RSS (figures: tools/memory/README.md). The WASM heap's 128 MiB floor is the module's own minimum
   * (2048 pages): PGlite's `initialMemory` cannot go below it, and pages of it Postgres
   * never touches cost no RSS anyway.
   */
  shared_buffers: '8MB',
};

/** PGlite's own start parameters plus `PGLITE_SETTINGS` (PGlite replaces its defaults with whatever it is given). */
export function pgliteStartParams(settings: Readonly<Record<string, string>> = PGLITE_SETTINGS): string[] {
  return [...PGlite.defaultStartParams, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
}

/**
 * Creating a database (initdb) runs a second PGlite instance and the initdb WASM program
 * next to the real one: about 750 MiB at the peak, and the ~450 MiB of WASM heaps left
 * behind are garbage that V8 collects only when it next runs a full GC, which an idle
 * subgraph may not do for a long time, and part of it stays resident even after one. So a
 * new directory is created by a short-lived child process, which hands all of that memory
 * back to the system when it exits; this process then opens the finished directory like
 * any restart does. Opening twice costs a little time, which the child wins back by running
 * with PGLITE_WASM_NODE_FLAGS (figures: tools/memory/README.md).
 *
 * The child always finishes what it started (a few seconds) and exits: a half-written
 * directory would not open again, and Ctrl-C in a terminal reaches the whole process group,
 * so it ignores SIGINT and SIGTERM (this process stops after the step, as it always has).
 * Only a child that outlives INITDB_TIMEOUT_MS is killed.
 */
const INITDB_CHILD = `
const { PGlite } = require(process.argv[1]);
const { dataDir, options } = JSON.parse(process.argv[2]);
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
PGlite.create(dataDir, options)
  .then((pg) => pg.close())
  .then(() => process.exit(0), (error) => {
    console.error((error && error.message) || String(error));
    process.exit(1);
  });
`;

/** Far more than initdb takes (3–10 s), so only a hung child is killed. */
const INITDB_TIMEOUT_MS = 120_000;

async function createDataDirInChild(dataDir: string, options: PGliteOptions): Promise<void> {
  // A plain `node -e` (no tsx, no inherited NODE_OPTIONS): it needs nothing but PGlite.
  const args = [...PGLITE_WASM_NODE_FLAGS, '-e', INITDB_CHILD, require.resolve('@electric-sql/pglite'), JSON.stringify({ dataDir, options })];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), INITDB_TIMEOUT_MS);
  try {
    await new Promise<void>((resolveCreated, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        if (code === 0) resolveCreated();
        else reject(new Error(`creating the PGlite database in ${dataDir} failed (${signal ?? `exit code ${code}`}): ${stderr.trim()}`));
      });
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Embedded PostgreSQL (WASM). One instance is one connection, so `search_path` set once
 * holds for every later statement, and PGlite itself queues statements behind an open
 * transaction.
 */
export async function openPglite(dataDir: string, schema: string, from?: { dataDirDump?: Blob }): Promise<Database> {
  const options: PGliteOptions = { startParams: pgliteStartParams() };
  // A throw-away database may start from a dump of a new cluster (pgliteClusterDump) instead of running initdb again.
  if (from?.dataDirDump && dataDir.startsWith('memory://')) options.loadDataDir = from.dataDirDump;
  let unlock = () => {};
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  let pg: PGlite;
  try {
    if (!dataDir.startsWith('memory://') && !existsSync(join(dataDir, 'PG_VERSION'))) await createDataDirInChild(dataDir, options);
    pg = await PGlite.create(dataDir, options);
  } catch (error) {
    unlock();
    throw error;
  }
  await pg.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}; SET search_path TO ${quoteIdentifier(schema)};`);

  const wrapTx = (tx: PgliteTransaction): Transaction => ({
    query: async <Row>(text: string, params?: readonly unknown[]) =>
      (await tx.query<Row>(text, params as unknown[] | undefined)) as QueryResult<Row>,
    exec: async (sql: string) => {
      await tx.exec(sql);
    },
  });

  return {
    kind: 'pglite',
    schema,
    query: async <Row>(text: string, params?: readonly unknown[]) =>
      (await pg.query<Row>(text, params as unknown[] | undefined)) as QueryResult<Row>,
    exec: async (sql) => {
      await pg.exec(sql);
    },
    transaction: (work) => pg.transaction((tx) => work(wrapTx(tx))),
    ping: async () => {
      await pg.query('SELECT 1');
    },
    // PGlite's notifications stay in its process: one process owns a data directory.
    listen: (channel, onPayload) => pg.listen(channel, onPayload),
    close: async () => {
      await pg.close();
      unlock();
    },
  };
}

/**
 * A new, empty cluster's data directory as PGlite dumps it (a tar), for in-memory databases
 * to start from: initdb is most of the time a throw-away database takes to open (about
 * 2.8 s of 3 on this machine; from the dump about 1 s). What the tests use (`openTestDatabase`).
 */
export async function pgliteClusterDump(): Promise<Blob> {
  const pg = await PGlite.create('memory://', { startParams: pgliteStartParams() });
  try {
    return await pg.dumpDataDir('none');
  } finally {
    await pg.close();
  }
}
