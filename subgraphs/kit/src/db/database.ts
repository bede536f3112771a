/**
 * The one storage interface every subgraph's `src/data/` talks to. PGlite (embedded,
 * the default) and node-postgres (`DATABASE_URL`) both meet it, so the SQL is the same
 * PostgreSQL dialect in both modes and tests can run one suite against both.
 */
export interface QueryResult<Row> {
  rows: Row[];
}

export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
}

/** A connection inside a transaction: everything on it commits or rolls back together. */
export interface Transaction extends Queryable {
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** The PostgreSQL schema that holds this subgraph's tables (its `search_path`). */
  readonly schema: string;
  exec(sql: string): Promise<void>;
  /** Commits when `work` resolves, rolls back when it throws (and rethrows). */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Throws when the database cannot answer; readiness probes call it. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…`: use PostgreSQL. Absent: embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  /** PGlite data directory, or `memory://` for a throw-away database. */
  dataDir: string;
  /** Schema that owns this subgraph's tables; created on open. */
  schema: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  // Each driver is loaded only when it is used (PGlite alone is several MB of WASM and data).
  // `require`, not `import()`: the stack runs subgraphs with tsx's CommonJS-only loader
  // (`loader: 'tsx-cjs'` in launch/stack.ts), which does not resolve `import()` of a .ts file.
  if (options.databaseUrl) {
    const { openPostgres } = require('./postgres') as typeof import('./postgres');
    return openPostgres(options.databaseUrl, options.schema);
  }
  const { openPglite } = require('./pglite') as typeof import('./pglite');
  return openPglite(options.dataDir, options.schema);
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
