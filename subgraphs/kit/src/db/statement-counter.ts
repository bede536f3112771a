import type { Database, Queryable, Transaction } from './database';

/**
 * Counts the SQL statements one request sends. The batching promise of the subgraphs
 * ("statements per request do not grow with list sizes") is only a promise if it is
 * measured; the count is returned in the `x-sql-statements` response header.
 */
export interface StatementCounter {
  count: number;
}

/** What request-scoped code (loaders, mutations) may do with the database. */
export interface RequestDatabase extends Queryable {
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}

export function countingDatabase(inner: Database, counter: StatementCounter): RequestDatabase {
  const count = (q: Queryable): Queryable['query'] => (text, params) => {
    counter.count += 1;
    return q.query(text, params);
  };
  return {
    query: count(inner),
    transaction: (work) =>
      inner.transaction((tx) => work({ query: count(tx), exec: (sql) => tx.exec(sql) })),
  };
}
