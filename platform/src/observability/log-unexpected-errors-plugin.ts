import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { RequestTelemetry } from './service-telemetry';

/**
 * Logs, with the request id, each error the service will only show as "Internal server
 * error.": its detail is then one search away for whoever is on call, and never in a
 * response. `isUnexpected` is the same test the service's error masking applies (a subgraph
 * and a BFF draw that line differently), so what is masked and what is logged never drift apart.
 */
export function logUnexpectedErrorsPlugin(isUnexpected: (error: GraphQLError) => boolean): ApolloServerPlugin<{ telemetry: RequestTelemetry }> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            if (!isUnexpected(error)) continue;
            contextValue.telemetry.logger.error(
              { reqId: contextValue.telemetry.id, err: error.originalError ?? error, path: error.path?.join('.'), code: error.extensions?.code },
              'unexpected error',
            );
          }
        },
      };
    },
  };
}
