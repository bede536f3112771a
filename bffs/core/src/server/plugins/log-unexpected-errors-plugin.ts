import type { ApolloServerPlugin } from '@apollo/server';
import type { BffContext } from '../context';
import { isDeliberate } from '../mask-errors';

/**
 * Logs, with the request id, every error the client will only see as "Internal server
 * error." (see mask-errors.ts), so the masked detail is one search away for whoever is on call.
 */
export function logUnexpectedErrorsPlugin(): ApolloServerPlugin<BffContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            if (isDeliberate(error.extensions?.code)) continue;
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
