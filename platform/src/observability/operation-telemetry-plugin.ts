import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Outcome } from './service-metrics';
import type { RequestTelemetry } from './service-telemetry';

export interface TelemetryContext extends BaseContext {
  telemetry: RequestTelemetry;
}

/**
 * Reports each operation Apollo answers (every item of a batch) to the request's telemetry:
 * its name and whether it succeeded, partly succeeded (data and errors), or failed.
 */
export function operationTelemetryPlugin<TContext extends TelemetryContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ response, operationName, request }) {
          const body = response.body;
          const result = body.kind === 'single' ? body.singleResult : body.initialResult;
          const errors = result.errors as readonly GraphQLFormattedError[] | undefined;
          const hasData = result.data !== undefined && result.data !== null;
          const outcome: Outcome = !errors?.length ? 'success' : hasData ? 'partial' : response.http.status !== undefined && response.http.status >= 400 ? 'rejected' : 'error';
          const code = errors?.[0]?.extensions?.code;
          contextValue.telemetry.operationEnded({ name: operationName ?? request.operationName ?? undefined, outcome, code: typeof code === 'string' ? code : undefined });
        },
      };
    },
  };
}
