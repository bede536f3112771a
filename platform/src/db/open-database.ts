import type { Database } from './database';

export interface DatabaseOptions {
  /** `postgres://…`: use PostgreSQL. Absent: embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  /** PGlite data directory, or `memory://` for a throw-away database. */
  dataDir: string;
  /** Schema that owns this subgraph's tables; created on open. */
  schema: string;
  /** With `memory://`: start from this dump of a PGlite data directory (`pgliteClusterDump`) instead of a new cluster. */
  pgliteDataDirDump?: Blob;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  // Each driver is loaded only when it is used (PGlite alone is several MB of WASM and data).
  // `require`, not `import()`: the stack runs subgraphs with tsx's CommonJS-only loader
  // (`loader: 'tsx-cjs'` in tools/stack/stack.ts), which does not resolve `import()` of a .ts file.
  if (options.databaseUrl) {
    const { openPostgres } = require('./postgres') as typeof import('./postgres');
    return openPostgres(options.databaseUrl, options.schema);
  }
  const { openPglite } = require('./pglite') as typeof import('./pglite');
  return openPglite(options.dataDir, options.schema, { dataDirDump: options.pgliteDataDirDump });
}
