import type { ApolloServerPlugin } from '@apollo/server';
import type { StatementCounter, RequestTelemetry } from '@bff/platform';

/** Response header carrying the number of SQL statements the request caused. */
export const SQL_STATEMENTS_HEADER = 'x-sql-statements';

/**
 * Reports, on every GraphQL response, how many SQL statements the request caused, so
 * tests, benchmarks and metrics (the request's log line, `subgraph_sql_statements_per_request`)
 * can hold the batching promise to account.
 */
export function statementCountPlugin(): ApolloServerPlugin<{ sql: StatementCounter; telemetry: RequestTelemetry }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          response.http.headers.set(SQL_STATEMENTS_HEADER, String(contextValue.sql.count));
          contextValue.telemetry.count('sql', contextValue.sql.count);
        },
      };
    },
  };
}
