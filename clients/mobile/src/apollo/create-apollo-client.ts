import { ApolloClient, ApolloLink, HttpLink } from '@apollo/client';
import { BatchHttpLink } from '@apollo/client/link/batch-http';
import { ClientAwarenessLink } from '@apollo/client/link/client-awareness';
import { OperationTypeNode } from 'graphql';
import { APP_IDENTITY } from '../app-identity';
import { appAlertsLink, type AppAlerts } from './app-alerts-link';
import { authLink } from './auth-link';
import { createCache } from './cache';
import { documentIdFetch } from './document-id-fetch';
import { hashOnlyLink } from './hash-only-link';
import { idempotentRetryLink } from './retry-link';
import { sseSubscriptionLink } from './sse-subscription-link';

/** Same origin: the app's host proxies /graphql (and /auth/) to the mobile BFF. */
const GRAPHQL_PATH = '/graphql';
/** The mobile BFF's `limits.maxBatchSize` (bffs/mobile/policy.yaml). */
const MAX_BATCH_SIZE = 5;

/**
 * Request-level refusals come back as HTTP 4xx/5xx with a plain JSON body, which Apollo
 * reports as a ServerError carrying that body (error-codes.ts reads its codes). With
 * `application/graphql-response+json` they would come back parsed instead, and a refused
 * batch, answered with one error for all its operations, would break BatchHttpLink's
 * one-answer-per-operation count and lose its code.
 */
const JSON_ONLY = { accept: 'application/json' };

export interface ApolloClientOptions extends AppAlerts {
  /** The signed-in user's token, if any. */
  accessToken: () => string | undefined;
}

export function createApolloClient(options: ApolloClientOptions): ApolloClient {
  // Batching is for private reads that a screen sends together (context.batch): the account
  // screen's Me and MyOrders go as one POST, one round trip on a slow network. Everything
  // else is a GET of its own: the feed, its categories and a product are the same for all
  // users, so their GETs are cached (Cache-Control: public) by the HTTP cache and any CDN on
  // the way, which a POST batch never is; and a batch is refused whole when one operation
  // is, so a public screen would fail with a private one.
  const http = ApolloLink.split(
    (operation) => operation.getContext().batch === true,
    hashOnlyLink({ get: false }).concat(new BatchHttpLink({ uri: GRAPHQL_PATH, fetch: documentIdFetch, headers: JSON_ONLY, batchMax: MAX_BATCH_SIZE })),
    hashOnlyLink({ get: true }).concat(new HttpLink({ uri: GRAPHQL_PATH, fetch: documentIdFetch, headers: JSON_ONLY })),
  );
  // Subscriptions (the order screen's FollowOrder) stream over SSE from the same /graphql,
  // by id like everything else; the HTTP links add the client name/version headers
  // themselves, the SSE link takes them from ClientAwarenessLink.
  const transport = ApolloLink.split(
    (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
    ApolloLink.from([hashOnlyLink({ get: false }), new ClientAwarenessLink(), sseSubscriptionLink(GRAPHQL_PATH)]),
    http,
  );
  return new ApolloClient({
    link: ApolloLink.from([appAlertsLink(options), authLink(options.accessToken), idempotentRetryLink(), transport]),
    cache: createCache(),
    // apollographql-client-name/-version headers; the GET's CSRF check accepts the name (bffs/core/src/server/bff-request-handler.ts).
    clientAwareness: APP_IDENTITY,
    // Not Apollo's own name and version in every request's extensions: bytes on each GET for nothing the BFF reads.
    enhancedClientAwareness: { transport: false },
    // A phone shows what it has: a product without its reviews (SUBGRAPH_UNAVAILABLE) beats an error screen.
    defaultOptions: { watchQuery: { errorPolicy: 'all' } },
  });
}
