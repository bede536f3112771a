import type { ApolloServerPlugin } from '@apollo/server';
import type { BffContext } from '../context';
import { isDeliberate } from '../mask-errors';

/**
 * Logs, with the request id, every error the client will only see as "Internal server
 * error." (see mask-errors.ts), so the masked detail is one search away for whoever is on call.
 */
export function logUnexpectedErrorsPlugin(client: string): ApolloServerPlugin<BffContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            if (isDeliberate(error.extensions?.code)) continue;
            console.error(
              `[${client}-bff] request ${contextValue.requestId}: ${error.message}`,
              JSON.stringify({ path: error.path, extensions: error.extensions }),
            );
          }
        },
      };
    },
  };
}
