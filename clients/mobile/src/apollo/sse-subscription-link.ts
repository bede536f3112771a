import { ApolloLink } from '@apollo/client';
import { ServerError } from '@apollo/client/errors';
import { createClient, NetworkError, type RequestParams } from 'graphql-sse';
import { Observable } from 'rxjs';
import { documentIdFetch } from './document-id-fetch';

/**
 * Subscriptions over GraphQL over SSE, graphql-sse's "distinct connections mode": each
 * subscription is one POST to /graphql with `accept: text/event-stream`, answered with
 * `event: next` frames and a closing `event: complete`. The app's host passes only HTTP on
 * to the BFF, so not WebSockets.
 *
 * The request is the one the app's other POSTs send: the persisted id only, put in
 * `extensions.persistedQuery` by hashOnlyLink (no `query`, which graphql-sse would otherwise
 * send) and turned into `documentId` by documentIdFetch; and the headers the links before
 * this one set in the operation's context (the bearer token, the app's name and version).
 */
export function sseSubscriptionLink(uri: string): ApolloLink {
  return new ApolloLink(
    (operation) =>
      new Observable<ApolloLink.Result>((observer) => {
        const { headers = {} } = operation.getContext();
        const client = createClient({
          url: uri,
          headers,
          fetchFn: documentIdFetch,
          // A refusal (4xx) would only repeat, and the order screen keeps what it has on an error.
          retryAttempts: 0,
        });
        const request: Omit<RequestParams, 'query'> = { operationName: operation.operationName, variables: operation.variables, extensions: operation.extensions };
        const unsubscribe = client.subscribe(request as RequestParams, {
          next: (result) => observer.next(result as ApolloLink.Result),
          complete: () => observer.complete(),
          error: (error: unknown) => void asApolloError(error).then((apolloError) => observer.error(apolloError)),
        });
        return () => {
          unsubscribe();
          client.dispose();
        };
      }),
  );
}

/**
 * graphql-sse's errors as the app's HTTP links report them, so error-codes.ts reads them
 * alike: a refused request (4xx/5xx, its body the BFF's JSON errors) is a ServerError with
 * that body; a connection that could not be made or dropped mid-stream is a TypeError, as
 * fetch reports it.
 */
async function asApolloError(error: unknown): Promise<Error> {
  if (!(error instanceof NetworkError)) return error instanceof Error ? error : new Error(String(error));
  const response = error.response as Response | undefined;
  if (!response) return new TypeError(error.message);
  const bodyText = await response.text().catch(() => '');
  return new ServerError(`Response not successful: Received status code ${response.status}`, { response, bodyText });
}
