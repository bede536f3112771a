import { ErrorCode, pushedEvents } from '@bff/platform';
import { createClient, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

/** One event of a subgraph's subscription: its data, or its errors (as the subgraph wrote them). */
export type SubgraphEvent = FormattedExecutionResult<Record<string, unknown>>;

export interface SubgraphSubscriptionRequest {
  /** The subgraph's GraphQL URL (http or https; the WebSocket is at the same address). */
  url: string;
  /** The gateway credential, the caller's identity and the request id, sent on the upgrade. */
  headers: Record<string, string>;
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  /** Aborted when the client has gone, the BFF drains or the caller's token expires. */
  signal: AbortSignal;
}

/**
 * A subscription opened at the subgraph that owns it, over GraphQL over WebSocket
 * (graphql-ws, the `graphql-transport-ws` protocol Apollo Router speaks to subgraphs), one
 * connection per client subscription: identity travels on the upgrade, so a connection is
 * one caller's. Its events as they come; it ends when the subgraph completes it or `signal`
 * aborts. A connection that fails or closes under it (the subgraph restarts, the network
 * breaks) ends it with one SUBGRAPH_UNAVAILABLE event rather than reconnecting: events sent
 * while nobody listened would be lost unseen, and a client that subscribes again starts
 * from the order as it is then.
 */
export function subscribeAtSubgraph(request: SubgraphSubscriptionRequest): AsyncIterableIterator<SubgraphEvent> {
  const headers = request.headers;
  const withHeaders = class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  };
  const client = createClient({
    url: request.url.replace(/^http/, 'ws'),
    webSocketImpl: withHeaders,
    lazy: false,
    retryAttempts: 0,
    // An unreachable subgraph fails the subscription at once, like a failed fetch.
    onNonLazyError: () => undefined,
  });
  const stop = () => received.end();
  const received = pushedEvents<SubgraphEvent>(async () => {
    request.signal.removeEventListener('abort', stop);
    unsubscribe();
    await client.dispose();
  });
  const unsubscribe = client.subscribe(
    { query: request.query, variables: request.variables, operationName: request.operationName },
    {
      next: (event) => received.push(event as SubgraphEvent),
      error: (error) => {
        received.push({ errors: [{ message: `The subscription's subgraph is unavailable: ${describe(error)}`, extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE } }] });
        received.end();
      },
      complete: () => received.end(),
    },
  );
  if (request.signal.aborted) stop();
  else request.signal.addEventListener('abort', stop, { once: true });
  return received.events;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  const closed = error as { code?: number; reason?: string } | undefined;
  if (closed && typeof closed.code === 'number') return `connection closed (${closed.code}${closed.reason ? ` ${closed.reason}` : ''})`;
  return String(error);
}
