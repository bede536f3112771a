import type { IncomingMessage } from 'node:http';
import type { ApolloServer, BaseContext } from '@apollo/server';
import type { RequestTelemetry } from '../observability/service-telemetry';
import type { GraphQLRequestHandler } from './graphql-http-server';

/** Apollo Server answers each GraphQL request, with the context built from the HTTP request and its telemetry. */
export function apolloRequestHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage, telemetry: RequestTelemetry) => Promise<TContext>,
): GraphQLRequestHandler {
  return (httpGraphQLRequest, req, telemetry) =>
    apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => context(req, telemetry) });
}
