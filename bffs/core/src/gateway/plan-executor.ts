import type { ApolloGateway } from '@apollo/gateway';
import { computeResponse } from '@apollo/gateway/dist/resultShaping';
import { operationFromDocument, type FieldSelection, type Operation, type Schema } from '@apollo/federation-internals';
import type { QueryPlan, QueryPlanner } from '@apollo/query-planner';
import { sha256Hex } from '@bff/formats';
import { executeSync, getVariableValues, GraphQLError, Kind, parse, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { endSpan, type RequestTelemetry } from '@bff/platform';
import { LruCache } from '../gate/lru-cache';
import { compileDefer, runDefer, type CompiledDefer } from './defer-runner';
import { HivePlanner } from './hive-plan';
import { executePlanNode, planNodes, UnsupportedPlanError, type KitPlanNode, type PlanExecutionContext } from './plan-node-runner';
import { compileResponseShaper, hasIntrospection, type ResponseShaper } from './response-shaper';
import { compileResponseWriter, type ResponseWriter } from './response-writer';
import { runSubscription, type SubscriptionPlanNode } from './subscription-runner';

/** Everything worked out once per operation document and reused by every request that sends it. */
interface PreparedOperation {
  definition: OperationDefinitionNode;
  plan: { node?: KitPlanNode };
  /** Which planner made the plan (the Hive planner hands back to Apollo's what it cannot plan or the runner cannot run). */
  plannedBy: QueryPlannerName;
  /** The operation as the result shaping reads it. */
  operation: Operation;
  /** Compiled result shaping; absent when the operation has introspection fields (the gateway's shaping answers those). */
  shape?: ResponseShaper;
  /** Writes the reply's data as JSON in one pass where no completion is needed (absent with introspection, like `shape`). */
  write?: ResponseWriter;
  /** The plan's Defer node compiled (an operation with @defer): its primary part and deferred fragments. */
  defer?: CompiledDefer;
  /** `@defer(if: $name)`: the Boolean variable that turns the parts on; when it is false, `plan` runs (the same data in one reply). `plan` is then the plan without @defer. */
  deferIf?: string;
  /** A subscription's plan: opened at its subgraph, each event completed by the rest of the plan (subscription-runner.ts). */
  subscription?: SubscriptionPlanNode;
  /** Plans this file cannot run go to @apollo/gateway's own executor. */
  runnable: boolean;
}

/** One loaded supergraph as the executor uses it. */
/** Who plans: @apollo/query-planner, or the Hive Router's planner (hive-plan.ts) with Apollo's as its fallback. */
export type QueryPlannerName = 'apollo' | 'hive';

interface SupergraphView {
  /** The API schema (graphql-js): variables are coerced and introspection answered against it. */
  schema: GraphQLSchema;
  apiSchema: Schema;
  supergraphSchema: GraphQLSchema;
  queryPlanner: QueryPlanner;
  supergraphSdl: string;
  /** Data sources by subgraph name. */
  services: Record<string, any>;
}

/** What @apollo/gateway keeps privately and the executor needs (version pinned: 2.14.4). */
interface GatewayInternals {
  schema?: GraphQLSchema;
  apiSchema?: Schema;
  supergraphSchema?: GraphQLSchema;
  queryPlanner?: QueryPlanner;
  supergraphSdl?: string;
  serviceMap: Record<string, { dataSource: any }>;
}

type Executor = (requestContext: any) => Promise<any>;

export interface PlanExecutor {
  /** Runs a plan on the supergraph loaded now. */
  execute: Executor;
  /**
   * An executor held to the supergraph loaded now (its API schema, planner and subgraphs),
   * whatever is loaded later: a BFF pairs it with the gate of the same supergraph, so a
   * request admitted by one gate is planned on that gate's supergraph.
   */
  pinned(): Executor;
  /**
   * Plans an operation ahead of its first request (persisted operations at start-up): the
   * request that sends it later pays no planning. Returns false if the gateway has no
   * supergraph loaded yet.
   */
  prepare(query: string, operationName?: string): boolean;
  /** Query plans built so far (at start-up and on demand), for tests and metrics. */
  plansBuilt(): number;
}

/**
 * The BFF's executor in place of @apollo/gateway's, which keeps the gateway for what it is
 * good at (the supergraph, the API schema, the query planner) and runs the plans itself:
 *
 * - Planning and the operation model are cached per document and operation name; the stock
 *   executor rebuilds the operation from the document on every request.
 * - Plans run in plan-node-runner.ts (no tracing spans or trace nodes, plain objects).
 * - Variables are coerced against the API schema as the stock executor does, so a bad
 *   variable is refused before any subgraph is asked.
 */
export function createPlanExecutor(gateway: ApolloGateway, fallback: () => Executor, options: { capacity?: number; planner?: QueryPlannerName } = {}): PlanExecutor {
  const capacity = options.capacity ?? 1_000;
  const plannerName = options.planner ?? 'hive';
  /** The Hive planner of each supergraph, built on first use (keyed like the plans, by Apollo's planner of the same supergraph). */
  const hivePlanners = new WeakMap<QueryPlanner, HivePlanner | null>();
  const internals = gateway as unknown as GatewayInternals;
  /** Plans per supergraph (by its planner): a new supergraph's plans start from nothing, and a pinned executor keeps its own. */
  const plansByPlanner = new WeakMap<QueryPlanner, LruCache<string, PreparedOperation>>();
  const plansOf = (view: SupergraphView) => {
    let plans = plansByPlanner.get(view.queryPlanner);
    if (!plans) plansByPlanner.set(view.queryPlanner, (plans = new LruCache(capacity)));
    return plans;
  };
  /** What the gateway has loaded now, taken as one value; undefined before the first load. */
  const loadedView = (): SupergraphView | undefined => {
    const { queryPlanner, apiSchema, supergraphSchema, schema, supergraphSdl } = internals;
    if (!queryPlanner || !apiSchema || !supergraphSchema || !schema || !supergraphSdl) return undefined;
    return { queryPlanner, apiSchema, supergraphSchema, schema, supergraphSdl, services: servicesOf(queryPlanner, internals.serviceMap) };
  };

  let plansBuilt = 0;
  const hivePlan = (view: SupergraphView, query: string, operationName: string | null | undefined, operation: Operation): { node?: KitPlanNode } | undefined => {
    // Introspection is answered by the shaping, mutations and anything with @defer keep Apollo's plans.
    if (plannerName !== 'hive' || hasIntrospection(operation) || operation.rootKind !== 'query' || operation.selectionSet.hasDefer()) return undefined;
    let planner = hivePlanners.get(view.queryPlanner);
    if (planner === undefined) {
      try {
        planner = new HivePlanner(view.supergraphSdl);
      } catch {
        // Not on this platform, or a supergraph it does not read: Apollo's planner plans everything.
        planner = null;
      }
      hivePlanners.set(view.queryPlanner, planner);
    }
    if (!planner) return undefined;
    try {
      const node = planner.plan(query, operationName);
      return isRunnable(node) ? { node } : undefined;
    } catch {
      return undefined;
    }
  };
  const prepare = (view: SupergraphView, query: string, document: DocumentNode, operationName: string | null | undefined, definition: OperationDefinitionNode): PreparedOperation => {
    plansBuilt += 1;
    const operation = operationFromDocument(view.apiSchema, document, { operationName: operationName ?? undefined, validate: false });
    const introspection = hasIntrospection(operation);
    const shape = introspection ? undefined : compileResponseShaper(operation);
    const write = introspection ? undefined : compileResponseWriter(operation);
    const fromHive = hivePlan(view, query, operationName, operation);
    if (fromHive) return { definition, plan: fromHive, plannedBy: 'hive', operation, runnable: true, shape, write };
    const planned = operationFromDocument(view.apiSchema, document, { operationName: operationName ?? undefined });
    const plan: QueryPlan = view.queryPlanner.buildQueryPlan(planned);
    const node = plan.node as KitPlanNode | undefined;
    if ((node as { kind?: string } | undefined)?.kind === 'Subscription') {
      const subscription = node as unknown as SubscriptionPlanNode;
      return { definition, plan: {}, plannedBy: 'apollo', operation, runnable: isRunnable(subscription.rest as KitPlanNode | undefined), shape, write, subscription };
    }
    if (node && containsDefer(node)) {
      // Replies in one piece (a client that does not read parts, `@defer(if:)` false, deferred
      // fragments under several conditions, which the runner does not run in parts) run the
      // operation's plan without @defer: the plan a query without @defer would have.
      // Apollo's withoutDefer refuses an operation that still has fragment spreads: expanded first.
      const whole = view.queryPlanner.buildQueryPlan(planned.expandAllFragments().withoutDefer()).node as KitPlanNode | undefined;
      const inOnePiece = { definition, plan: { node: whole }, plannedBy: 'apollo' as const, operation, runnable: isRunnable(whole), shape, write };
      if (node.kind === 'Defer') return { ...inOnePiece, defer: compileDefer(node, operation) };
      if (node.kind === 'Condition' && node.ifClause?.kind === 'Defer' && !containsDefer(node.elseClause)) {
        return { ...inOnePiece, defer: compileDefer(node.ifClause, operation), deferIf: node.condition };
      }
      return inOnePiece;
    }
    return { definition, plan: { node }, plannedBy: 'apollo', operation, runnable: isRunnable(node), shape, write };
  };

  // The queryHash: the sha256 of the query text.
  const keyOf = (queryHash: string, operationName: string | null | undefined) => `${queryHash}\u0000${operationName ?? ''}`;

  const executeOn = async (view: SupergraphView, requestContext: any): Promise<any> => {
    const { request, document, queryHash } = requestContext;
    const definition: OperationDefinitionNode | undefined = requestContext.operation;
    if (!definition) return fallback()(requestContext);
    const plans = plansOf(view);
    const key = keyOf(queryHash, request.operationName);
    const telemetry: RequestTelemetry | undefined = requestContext.context?.telemetry;
    const span = telemetry?.span && telemetry.tracing?.startChildSpan('plan', telemetry.span, { 'graphql.operation.name': request.operationName ?? '' });
    let entry = plans.get(key);
    span?.setAttribute('plan.cached', entry !== undefined);
    if (!entry) {
      try {
        entry = prepare(view, requestContext.source ?? request.query, document, request.operationName, definition);
      } catch (error) {
        endSpan(span, error);
        throw error;
      }
      plans.set(key, entry);
    }
    endSpan(span);
    if (!entry.runnable) return fallback()(requestContext);

    const rawVariables = request.variables ?? {};
    let coerced: Record<string, unknown> = rawVariables;
    if (definition.variableDefinitions?.length) {
      const values = getVariableValues(view.schema, definition.variableDefinitions, rawVariables);
      if (values.errors) return { errors: values.errors };
      coerced = values.coerced;
    }

    const context: PlanExecutionContext = {
      supergraphSchema: view.supergraphSchema,
      services: view.services,
      requestContext,
      variables: rawVariables,
      errors: [],
      // Only a query reads through the entity cache: a mutation's plan must see what it changed.
      ...(definition.operation === 'query' && requestContext.context?.entityCache ? { entityCache: requestContext.context.entityCache } : {}),
    };
    if (entry.subscription) {
      // Only a streaming transport (SSE, WebSocket) passes a signal; the request handler refuses a subscription over any other.
      const signal: AbortSignal | undefined = requestContext.subscription?.signal;
      if (!signal) throw new Error('a subscription needs a streaming transport');
      const prepared = entry;
      return { events: runSubscription(entry.subscription, context, signal, (unshaped, errors) => complete(view, prepared, definition, unshaped, errors, rawVariables)) };
    }
    const unshaped: Record<string, any> = Object.create(null);
    // A client that reads replies in parts gets them so; any other gets one reply from the plan without @defer.
    const incremental: { stopped(): boolean } | undefined = requestContext.incremental;
    if (entry.defer && incremental && (entry.deferIf === undefined || coerced[entry.deferIf] === true)) {
      const execution = await runDefer(entry.defer, context, unshaped, rawVariables, () => incremental.stopped());
      return { ...execution.initial, subsequent: execution.subsequent };
    }
    if (entry.plan.node) {
      try {
        await executePlanNode(context, entry.plan.node, [], unshaped, unshaped);
      } catch (error) {
        if (error instanceof UnsupportedPlanError) return fallback()(requestContext);
        throw error;
      }
    }
    return complete(view, entry, definition, unshaped, context.errors, rawVariables);
  };

  /** The reply from a plan's unshaped result: written as JSON in one pass, or shaped where completion is needed. */
  const complete = (view: SupergraphView, entry: PreparedOperation, definition: OperationDefinitionNode, unshaped: Record<string, any>, errors: GraphQLError[], rawVariables: Record<string, unknown>) => {
    const written = entry.write?.(unshaped, rawVariables);
    if (written !== undefined) return errors.length > 0 ? { errors, dataJson: written } : { dataJson: written };
    const apiGraphQLSchema = view.schema;
    const { data, errors: shapingErrors } = entry.shape
      ? entry.shape(unshaped, rawVariables)
      : computeResponse({
          operation: entry.operation,
          variables: rawVariables,
          input: unshaped,
          introspectionHandling: (field: FieldSelection) => introspect(apiGraphQLSchema, field, definition, rawVariables),
        });
    if (errors.length > 0) return { errors, data };
    // As the stock executor does: completion errors only when nothing else went wrong.
    if (shapingErrors.length > 0) return { extensions: { valueCompletion: shapingErrors }, data };
    return { data };
  };

  const execute: Executor = (requestContext) => {
    const view = loadedView();
    return view ? executeOn(view, requestContext) : fallback()(requestContext);
  };

  return {
    execute,
    pinned: () => {
      const view = loadedView();
      return view ? (requestContext) => executeOn(view, requestContext) : execute;
    },
    plansBuilt: () => plansBuilt,
    prepare: (query, operationName) => {
      const view = loadedView();
      if (!view) return false;
      const document = parse(query);
      const definitions = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      const definition = operationName ? definitions.find((d) => d.name?.value === operationName) : definitions[0];
      if (!definition) throw new Error(`no operation ${operationName ?? ''} in the document`);
      const entry = prepare(view, query, document, operationName, definition);
      const hash = sha256Hex(query);
      const plans = plansOf(view);
      plans.set(keyOf(hash, operationName), entry);
      // A client may name the operation or not (a persisted GET usually does not): plan both.
      if (definitions.length === 1 && definition.name) plans.set(keyOf(hash, operationName ? undefined : definition.name.value), entry);
      return true;
    },
  };
}

/**
 * Data sources by subgraph name, built once per supergraph. Keyed by the query planner: the
 * gateway updates its service map in place on a swap, then installs a new planner.
 */
const servicesByPlanner = new WeakMap<object, Record<string, any>>();
function servicesOf(planner: QueryPlanner, serviceMap: Record<string, { dataSource: any }>): Record<string, any> {
  let services = servicesByPlanner.get(planner);
  if (!services) {
    services = Object.fromEntries(Object.entries(serviceMap).map(([name, { dataSource }]) => [name, dataSource]));
    servicesByPlanner.set(planner, services);
  }
  return services;
}

/** Whether a plan has a Defer node anywhere. */
function containsDefer(node: KitPlanNode | undefined): boolean {
  for (const planNode of planNodes(node)) if (planNode.kind === 'Defer') return true;
  return false;
}

function isRunnable(root: KitPlanNode | undefined): boolean {
  const known = new Set(['Sequence', 'Parallel', 'Flatten', 'Fetch', 'BatchFetch', 'Condition']);
  const visit = (node: any): boolean => {
    if (!node) return true;
    if (!known.has(node.kind)) return false;
    if (node.kind === 'Sequence' || node.kind === 'Parallel') return node.nodes.every(visit);
    if (node.kind === 'Flatten') return visit(node.node);
    if (node.kind === 'Condition') return visit(node.ifClause) && visit(node.elseClause);
    return true;
  };
  return visit(root);
}

/** An introspection field (`__schema`, `__type`) of the operation, answered from the API schema. */
function introspect(schema: GraphQLSchema, field: FieldSelection, definition: OperationDefinitionNode, variables: Record<string, unknown>): unknown {
  const selection = field.expandFragments().toSelectionNode();
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: definition.operation,
        variableDefinitions: definition.variableDefinitions,
        selectionSet: { kind: Kind.SELECTION_SET, selections: [selection] },
      },
    ],
  };
  const result = executeSync({ schema, document, variableValues: variables });
  if (result.errors?.length) throw result.errors[0] instanceof GraphQLError ? result.errors[0] : new Error(String(result.errors[0]));
  return result.data?.[field.element.responseName()];
}
