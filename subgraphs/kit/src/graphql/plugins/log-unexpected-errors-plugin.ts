import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../errors';
import type { RequestTelemetry } from '../../observability/service-telemetry';

/**
 * Logs, with the request id, each error a subgraph masks as "Internal server error." (a bug
 * or an outage, see subgraph-server.ts): its detail is then one search away for whoever is
 * on call, and never in a response.
 */
export function logUnexpectedErrorsPlugin(): ApolloServerPlugin<{ telemetry: RequestTelemetry }> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const original = error.originalError;
            if (original === undefined || original === null) continue;
            const code = original instanceof GraphQLError ? original.extensions?.code : undefined;
            // A deliberate error (one with its own code) is an answer, not an incident.
            if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
            contextValue.telemetry.logger.error({ reqId: contextValue.telemetry.id, err: original, path: error.path?.join('.') }, 'unexpected error');
          }
        },
      };
    },
  };
}
