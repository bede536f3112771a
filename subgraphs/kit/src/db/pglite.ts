import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import { quoteIdentifier, type Database, type QueryResult, type Transaction } from './database';

/**
 * Embedded PostgreSQL (WASM). One instance is one connection, so `search_path` set once
 * holds for every later statement, and PGlite itself queues statements behind an open
 * transaction.
 */
export async function openPglite(dataDir: string, schema: string): Promise<Database> {
  let unlock = () => {};
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create(dataDir);
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
    close: async () => {
      await pg.close();
      unlock();
    },
  };
}
