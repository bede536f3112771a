import type { FetchNode, PlanNode } from '@apollo/query-planner';
import { ErrorCode } from '@bff/platform';
import { GraphQLError } from 'graphql';
import type { BffContext } from '../server/context';
import { executePlanNode, fetchVariables, mergeReply, type PlanExecutionContext } from './plan-node-runner';
import type { SubgraphEvent } from './subgraph-subscription';

/** The planner's plan of a subscription: the fetch that opens it at its subgraph, and the plan that completes each event. */
export interface SubscriptionPlanNode {
  kind: 'Subscription';
  primary: FetchNode;
  rest?: PlanNode;
}

/** A data source that can open subscriptions (forwarding-data-source.ts); the in-process experience subgraph cannot. */
interface Subscribable {
  subscribe(request: { query: string; variables: Record<string, unknown>; operationName?: string }, context: BffContext, signal: AbortSignal): AsyncIterableIterator<SubgraphEvent>;
}

/**
 * Runs a subscription's plan: the primary fetch opens the subscription at the subgraph that
 * owns the field, and each event it sends is completed by the rest of the plan (entity
 * fetches to the other subgraphs: a product's name from catalog), per event, as if it were
 * the reply to a query's root fetch. `complete` turns each event's result tree into the
 * client's reply (written or shaped like any query's). Ends when the subgraph ends the
 * subscription or `signal` aborts.
 */
export async function* runSubscription<Reply>(
  node: SubscriptionPlanNode,
  context: PlanExecutionContext,
  signal: AbortSignal,
  complete: (unshaped: Record<string, any>, errors: GraphQLError[]) => Reply,
): AsyncGenerator<Reply | { errors: GraphQLError[]; data: null }> {
  const service = context.services[node.primary.serviceName] as Partial<Subscribable> | undefined;
  if (!service?.subscribe) {
    yield { errors: [new GraphQLError(`Subgraph "${node.primary.serviceName}" serves no subscriptions.`, { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } })], data: null };
    return;
  }
  const events = service.subscribe(
    { query: node.primary.operation, variables: fetchVariables(context, node.primary.variableUsages), operationName: node.primary.operationName },
    context.requestContext.context as BffContext,
    signal,
  );
  try {
    for await (const event of events) {
      const perEvent: PlanExecutionContext = { ...context, errors: [] };
      const unshaped: Record<string, any> = Object.create(null);
      mergeReply(perEvent, node.primary, event, [], [unshaped]);
      if (!event.data) {
        // The subscription's own field failed (a missing order, its subgraph gone): the event is its errors.
        yield { errors: perEvent.errors.length ? perEvent.errors : [new GraphQLError('The subscription event has no data.', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } })], data: null };
        continue;
      }
      if (node.rest && !signal.aborted) await executePlanNode(perEvent, node.rest, [], unshaped, unshaped);
      yield complete(unshaped, perEvent.errors);
    }
  } finally {
    await events.return?.();
  }
}
