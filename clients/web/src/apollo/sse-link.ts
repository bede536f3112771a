import { ApolloLink } from '@apollo/client';
import { ServerError } from '@apollo/client/errors';
import { ClientAwarenessLink } from '@apollo/client/link/client-awareness';
import { print } from '@apollo/client/utilities';
import { createClient, NetworkError, type ExecutionResult } from 'graphql-sse';
import { Observable } from 'rxjs';

/**
 * The storefront's subscriptions, over GraphQL over SSE in graphql-sse's "distinct connections
 * mode": each subscription is its own `POST /graphql` with `accept: text/event-stream` on the
 * page's origin (the storefront's server passes HTTP, not WebSocket upgrades, to the BFF),
 * answered with `event: next` frames and a closing `event: complete`.
 *
 * The request carries the query text (automatic persisted queries are for the app's plain
 * JSON requests) and the headers of the operation's context: the visitor's bearer token, set
 * by the links before this one, and the app's name and version (`apollographql-client-*`, as
 * HttpLink sends them, from the client's `clientAwareness`).
 */
export function createSseLink(uri: string): ApolloLink {
  const followOverSse = new ApolloLink(
    (operation) =>
      new Observable<ApolloLink.Result>((observer) => {
        const { headers = {} } = operation.getContext() as { headers?: Record<string, string> };
        // One client per subscription: its headers are this operation's; a refused or broken
        // stream is reported, not tried again (the page offers to try again).
        const client = createClient({ url: uri, headers, retryAttempts: 0 });
        const hasExtensions = Object.keys(operation.extensions).length > 0;
        const stop = client.subscribe(
          { query: print(operation.query), operationName: operation.operationName, variables: operation.variables, ...(hasExtensions ? { extensions: operation.extensions } : {}) },
          {
            next: (result: ExecutionResult) => observer.next(result as ApolloLink.Result),
            complete: () => observer.complete(),
            error: (error: unknown) => void asLinkError(error).then((linkError) => observer.error(linkError)),
          },
        );
        return () => {
          stop();
          void client.dispose();
        };
      }),
  );
  return ApolloLink.from([new ClientAwarenessLink(), followOverSse]);
}

/**
 * graphql-sse's errors as the app's HTTP link reports them, so that `classifyError` reads both
 * alike: a refused request (a 4xx or 5xx whose body is the BFF's JSON errors) becomes a
 * ServerError with that body; a stream that could not be opened or broke off stays as it is
 * (a network failure, which the page offers to try again).
 */
async function asLinkError(error: unknown): Promise<Error> {
  const response = error instanceof NetworkError ? (error.response as Response | undefined) : undefined;
  if (!response) return error instanceof Error ? error : new Error(String(error));
  const bodyText = await response.text().catch(() => '');
  return new ServerError(`Response not successful: Received status code ${response.status}`, { response, bodyText });
}
