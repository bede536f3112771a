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
  /**
   * Calls `onPayload` with each `NOTIFY` on `channel` (`SELECT pg_notify(channel, payload)`),
   * from this process or, on PostgreSQL, any other connected to the same database; resolves
   * with the function that stops listening. Notifications sent while a lost PostgreSQL
   * connection is being replaced are not seen.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
