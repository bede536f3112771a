import type { HTTPGraphQLRequest } from '@apollo/server';
import type { Rejection } from '@bff/platform';
import type { VerifiedUser } from '../auth/authenticator';
import type { AdmittedOperation } from '../gate/operation-gate';
import type { BffMetrics } from '../server/bff-metrics';
import type { BffContext } from '../server/context';
import { runOperation, type OperationAnswer, type OperationExecutor } from '../server/run-operation';
import type { SupergraphState } from '../server/supergraph-state';
import type { UsageRecorder } from '../usage/usage-recorder';
import { deliveredEvents } from './delivered-events';
import type { OpenSubscriptions } from './open-subscriptions';

/** What every subscription on one BFF replica shares, whatever its transport. */
export interface SubscriptionReplica {
  open: OpenSubscriptions;
  metrics: BffMetrics;
  usage?: UsageRecorder;
  /** The supergraph served at the moment of each event: its authorization rules apply to the event. */
  current: () => SupergraphState;
}

export interface SubscriptionStart {
  operation: AdmittedOperation;
  caller: VerifiedUser | null;
  /** The connection it runs on (a WebSocket, an SSE stream's socket), for the per-connection limit. */
  connection: object;
  /** The caller's address, which counts for an anonymous caller's limit. */
  address: string | undefined;
  execute: OperationExecutor;
  context: BffContext;
  request: HTTPGraphQLRequest;
  apiSchema: SupergraphState['apiSchema'];
}

/** A started subscription's replies and the function that ends it (the client went away). */
export interface StartedSubscription {
  events: AsyncIterable<string>;
  stop(): void;
}

/**
 * Starts one admitted subscription for either transport: a slot within the client's limits
 * (per connection, per user), the plan run until the ticket's signal aborts, each event
 * checked again before it is delivered. A refusal (a limit) or an answer with no events (a
 * variable that does not coerce, an executor error) is returned as such.
 */
export async function startSubscription(replica: SubscriptionReplica, start: SubscriptionStart): Promise<StartedSubscription | OperationAnswer | Rejection> {
  const ticket = replica.open.admit({
    connection: start.connection,
    user: start.caller ? `user:${start.caller.id}` : `anonymous:${start.address ?? 'unknown'}`,
    expiresAt: start.caller?.expiresAt,
  });
  if ('rejected' in ticket) return ticket;
  const answer = await runOperation(start.operation, {
    execute: start.execute,
    context: start.context,
    request: start.request,
    usage: replica.usage,
    apiSchema: start.apiSchema,
    subscription: { signal: ticket.signal },
  });
  if (!answer.events) {
    ticket.close();
    return answer;
  }
  const { document, definition } = start.operation;
  return {
    events: deliveredEvents(answer.events, ticket, () => replica.current().authorize(document, definition, start.caller), () => replica.metrics.subscriptionEvent()),
    stop: () => ticket.close(),
  };
}
