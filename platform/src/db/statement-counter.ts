import { SpanKind } from '@opentelemetry/api';
import { endSpan, type Span, type Tracing } from '../observability/tracing';
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
  /** The database's notifications (`Database.listen`); listening sends no statement, so nothing is counted. */
  listen: Database['listen'];
}

/**
 * The request's database handle: counts each statement and, when the request is traced,
 * gives each one a span (the statement text only: parameters can hold personal data).
 */
export function countingDatabase(inner: Database, counter: StatementCounter, trace?: { tracing: Tracing; span: Span; dbName: string }): RequestDatabase {
  const count = (q: Queryable): Queryable['query'] => {
    if (!trace) {
      return (text, params) => {
        counter.count += 1;
        return q.query(text, params);
      };
    }
    return async <Row>(text: string, params?: readonly unknown[]) => {
      counter.count += 1;
      const span = trace.tracing.startChildSpan(`SQL ${text.trimStart().split(/\s/, 1)[0]!.toUpperCase()}`, trace.span, {
        'db.system.name': 'postgresql',
        'db.namespace': trace.dbName,
        'db.query.text': text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text,
      }, SpanKind.CLIENT);
      try {
        const result = await q.query<Row>(text, params);
        endSpan(span);
        return result;
      } catch (error) {
        endSpan(span, error);
        throw error;
      }
    };
  };
  return {
    query: count(inner),
    transaction: (work) =>
      inner.transaction((tx) => work({ query: count(tx), exec: (sql) => tx.exec(sql) })),
    listen: (channel, onPayload) => inner.listen(channel, onPayload),
  };
}
