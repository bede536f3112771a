import type { ApolloGateway } from '@apollo/gateway';
import { computeResponse } from '@apollo/gateway/dist/resultShaping';
import { operationFromDocument, type FieldSelection, type Operation, type Schema } from '@apollo/federation-internals';
import type { PlanNode, QueryPlan, QueryPlanner } from '@apollo/query-planner';
import { executeSync, getVariableValues, GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { LruCache } from '../gate/lru-cache';
import { executePlanNode, UnsupportedPlanError, type PlanExecutionContext } from './plan-execution';
import { compileResponseShaper, hasIntrospection, type ResponseShaper } from './response-shaper';

/** Everything worked out once per operation document and reused by every request that sends it. */
interface PreparedOperation {
  definition: OperationDefinitionNode;
  plan: QueryPlan;
  /** The operation as the result shaping reads it. */
  operation: Operation;
  /** Compiled result shaping; absent when the operation has introspection fields (the gateway's shaping answers those). */
  shape?: ResponseShaper;
  /** Plans this file cannot run (@defer, subscriptions) go to @apollo/gateway's own executor. */
  runnable: boolean;
}

/** What @apollo/gateway keeps privately and the executor needs (version pinned: 2.14.4). */
interface GatewayInternals {
  schema?: GraphQLSchema;
  apiSchema?: Schema;
  supergraphSchema?: GraphQLSchema;
  queryPlanner?: QueryPlanner;
  serviceMap: Record<string, { dataSource: any }>;
}

type Executor = (requestContext: any) => Promise<any>;

/**
 * The BFF's executor in place of @apollo/gateway's, which keeps the gateway for what it is
 * good at (the supergraph, the API schema, the query planner) and runs the plans itself:
 *
 * - Planning and the operation model are cached per document and operation name; the stock
 *   executor rebuilds the operation from the document on every request.
 * - Plans run in plan-execution.ts (no tracing spans or trace nodes, plain objects).
 * - Variables are coerced against the API schema as the stock executor does, so a bad
 *   variable is refused before any subgraph is asked.
 */
export function createPlanExecutor(gateway: ApolloGateway, fallback: () => Executor, capacity = 1_000): Executor {
  const internals = gateway as unknown as GatewayInternals;
  let prepared = new LruCache<string, PreparedOperation>(capacity);
  let preparedFor: QueryPlanner | undefined;

  const prepare = (document: DocumentNode, operationName: string | null | undefined, definition: OperationDefinitionNode): PreparedOperation => {
    const apiSchema = internals.apiSchema!;
    const planned = operationFromDocument(apiSchema, document, { operationName: operationName ?? undefined });
    const plan = internals.queryPlanner!.buildQueryPlan(planned);
    const operation = operationFromDocument(apiSchema, document, { operationName: operationName ?? undefined, validate: false });
    return { definition, plan, operation, runnable: isRunnable(plan), shape: hasIntrospection(operation) ? undefined : compileResponseShaper(operation) };
  };

  return async (requestContext) => {
    const { request, document, queryHash } = requestContext;
    const definition: OperationDefinitionNode | undefined = requestContext.operation;
    if (!definition || !internals.queryPlanner || !internals.supergraphSchema || !internals.schema) return fallback()(requestContext);
    if (preparedFor !== internals.queryPlanner) {
      // A new supergraph: plans of the old one must not be used again.
      prepared = new LruCache(capacity);
      preparedFor = internals.queryPlanner;
    }
    const key = `${queryHash}\u0000${request.operationName ?? ''}`;
    let entry = prepared.get(key);
    if (!entry) {
      entry = prepare(document, request.operationName, definition);
      prepared.set(key, entry);
    }
    if (!entry.runnable) return fallback()(requestContext);

    const rawVariables = request.variables ?? {};
    if (definition.variableDefinitions?.length) {
      const { errors } = getVariableValues(internals.schema, definition.variableDefinitions, rawVariables);
      if (errors) return { errors };
    }

    const services: Record<string, any> = {};
    for (const [name, { dataSource }] of Object.entries(internals.serviceMap)) services[name] = dataSource;
    const context: PlanExecutionContext = {
      supergraphSchema: internals.supergraphSchema,
      services,
      requestContext,
      variables: rawVariables,
      errors: [],
    };
    const unshaped: Record<string, any> = Object.create(null);
    if (entry.plan.node) {
      try {
        await executePlanNode(context, entry.plan.node as PlanNode, [], unshaped, unshaped);
      } catch (error) {
        if (error instanceof UnsupportedPlanError) return fallback()(requestContext);
        throw error;
      }
    }
    const apiGraphQLSchema = internals.schema;
    const { data, errors: shapingErrors } = entry.shape
      ? entry.shape(unshaped, rawVariables)
      : computeResponse({
          operation: entry.operation,
          variables: rawVariables,
          input: unshaped,
          introspectionHandling: (field: FieldSelection) => introspect(apiGraphQLSchema, field, definition, rawVariables),
        });
    if (context.errors.length > 0) return { errors: context.errors, data };
    // As the stock executor does: completion errors only when nothing else went wrong.
    if (shapingErrors.length > 0) return { extensions: { valueCompletion: shapingErrors }, data };
    return { data };
  };
}

function isRunnable(plan: QueryPlan): boolean {
  const known = new Set(['Sequence', 'Parallel', 'Flatten', 'Fetch', 'Condition']);
  const visit = (node: any): boolean => {
    if (!node) return true;
    if (!known.has(node.kind)) return false;
    if (node.kind === 'Sequence' || node.kind === 'Parallel') return node.nodes.every(visit);
    if (node.kind === 'Flatten') return visit(node.node);
    if (node.kind === 'Condition') return visit(node.ifClause) && visit(node.elseClause);
    return true;
  };
  return visit(plan.node);
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
