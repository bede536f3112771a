import type { ApolloServerPlugin } from '@apollo/server';
import type { StatementCounter } from '../../db/statement-counter';

/** Response header carrying the number of SQL statements the request caused. */
export const SQL_STATEMENTS_HEADER = 'x-sql-statements';

/**
 * Reports, on every GraphQL response, how many SQL statements the request caused, so
 * tests, benchmarks and (later) metrics can hold the batching promise to account.
 */
export function statementCountPlugin(): ApolloServerPlugin<{ sql: StatementCounter }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          response.http.headers.set(SQL_STATEMENTS_HEADER, String(contextValue.sql.count));
        },
      };
    },
  };
}
