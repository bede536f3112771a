import type { GraphQLDataSource } from '@apollo/gateway';
import { isObjectOfType, applyRewrites } from '@apollo/gateway/dist/dataRewrites';
import type { FetchNode, PlanNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import { GraphQLError, type GraphQLSchema } from 'graphql';

/** Executes query plans whose nodes this file knows; anything else is someone else's to run. */
export class UnsupportedPlanError extends Error {}

type Path = (string | number)[];
type ResponsePathElement = string | number;
type Data = Record<string, any>;

export interface PlanExecutionContext {
  supergraphSchema: GraphQLSchema;
  services: Readonly<Record<string, GraphQLDataSource>>;
  /** Apollo's request context, passed to data sources as the gateway does. */
  requestContext: any;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
}

/**
 * Runs a query plan from @apollo/query-planner: fetches in the plan's order (sequences in
 * turn, parallel branches together), representations built from each entity's @requires
 * selection, replies merged into one result tree. The same semantics as @apollo/gateway's
 * executor, with less work per request: no per-request operation rebuilt from the document,
 * no tracing spans, no trace nodes, plain objects throughout.
 *
 * The result is the unshaped tree (fields fetched only as keys or @requires inputs are still
 * in it); shaping to the client's selection set happens afterwards.
 */
export async function executePlanNode(context: PlanExecutionContext, node: PlanNode, path: Path, data: Data, fullResult: Data): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executePlanNode(context, child, path, data, fullResult);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executePlanNode(context, child, path, data, fullResult)));
      return;
    case 'Flatten': {
      const target = valuesAtPath(data, node.path);
      if (target === undefined || target === null) return;
      return executePlanNode(context, node.node, [...path, ...node.path], target, fullResult);
    }
    case 'Fetch':
      try {
        await executeFetch(context, node, path, data, fullResult);
      } catch (error) {
        context.errors.push(error instanceof GraphQLError ? error : new GraphQLError((error as Error).message ?? String(error), { originalError: error as Error }));
      }
      return;
    case 'Condition': {
      const value = node.condition in context.variables ? context.variables[node.condition] : undefined;
      const branch = value ? node.ifClause : node.elseClause;
      if (branch) await executePlanNode(context, branch, path, data, fullResult);
      return;
    }
    default:
      throw new UnsupportedPlanError(`plan node ${(node as { kind: string }).kind}`);
  }
}

/** The values at `path` below `value`; `@` steps into every element of a list (lists of lists flatten). */
function valuesAtPath(value: any, path: readonly ResponsePathElement[], from = 0): any {
  if (from === path.length || value === null || value === undefined) return value;
  const step = path[from]!;
  if (step === '@') {
    if (!Array.isArray(value)) return undefined;
    const out: any[] = [];
    for (const element of value) {
      const inner = valuesAtPath(element, path, from + 1);
      if (Array.isArray(inner)) for (const item of inner) out.push(item);
      else out.push(inner);
    }
    return out;
  }
  return valuesAtPath(value[step], path, from + 1);
}

async function executeFetch(context: PlanExecutionContext, fetch: FetchNode, path: Path, data: any, fullResult: Data): Promise<void> {
  const service = context.services[fetch.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities: Data[] = [];
  if (Array.isArray(data)) {
    for (const entity of data) if (entity !== null && entity !== undefined) entities.push(entity);
  } else entities.push(data);
  if (entities.length === 0) return;

  const variables: Record<string, unknown> = {};
  for (const name of fetch.variableUsages ?? []) {
    const value = context.variables[name];
    if (value !== undefined) variables[name] = value;
  }

  if (!fetch.requires) {
    const reply = await send(context, service, fetch, variables, path);
    reportErrors(context, fetch, reply.errors, (errorPath) => (errorPath ? [...path, ...errorPath] : undefined));
    const received = reply.data;
    if (!received) return;
    if (fetch.outputRewrites) applyRewrites(context.supergraphSchema, fetch.outputRewrites, received);
    for (const entity of entities) deepMerge(entity, received);
    return;
  }

  const representations: Data[] = [];
  const owners: number[] = [];
  for (let index = 0; index < entities.length; index++) {
    const representation = selectRequired(context.supergraphSchema, entities[index], fetch.requires);
    if (representation && representation.__typename) {
      if (fetch.inputRewrites) applyRewrites(context.supergraphSchema, fetch.inputRewrites, representation);
      representations.push(representation);
      owners.push(index);
    }
  }
  if (representations.length === 0) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  variables.representations = representations;
  const reply = await send(context, service, fetch, variables, path);
  let entityPaths: Path[] | undefined;
  reportErrors(context, fetch, reply.errors, (errorPath) => {
    if (!errorPath || typeof errorPath[1] !== 'number') return errorPath ? [...path, ...errorPath] : undefined;
    entityPaths ??= pathsOfEntities(fullResult, path);
    const owner = owners[errorPath[1]];
    return [...(owner === undefined ? path : (entityPaths[owner] ?? path)), ...errorPath.slice(2)];
  });
  const received = reply.data?._entities;
  if (!reply.data) return;
  if (!Array.isArray(received)) throw new Error('Expected "data._entities" in response to be an array');
  if (received.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  for (let i = 0; i < received.length; i++) {
    const entity = received[i];
    if (!entity) continue;
    const target = entities[owners[i]!]!;
    if (!entity.__typename) entity.__typename = target.__typename;
    if (fetch.outputRewrites) applyRewrites(context.supergraphSchema, fetch.outputRewrites, entity);
    deepMerge(target, entity);
  }
}

function send(context: PlanExecutionContext, service: GraphQLDataSource, fetch: FetchNode, variables: Record<string, unknown>, path: Path) {
  const { requestContext } = context;
  return service.process({
    kind: 'incoming operation' as never,
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: requestContext,
    context: requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: path as never,
  } as never);
}

/** A subgraph's errors, at their place in the whole response, marked with the subgraph's name. */
function reportErrors(
  context: PlanExecutionContext,
  fetch: FetchNode,
  errors: readonly { message?: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] | undefined,
  placeOf: (path: readonly (string | number)[] | undefined) => Path | undefined,
): void {
  if (!errors) return;
  for (const error of errors) {
    const extensions: Record<string, unknown> = { ...error.extensions, serviceName: fetch.serviceName };
    if (!extensions.code) extensions.code = 'DOWNSTREAM_SERVICE_ERROR';
    context.errors.push(
      new GraphQLError(error.message || `Error while fetching subquery from service "${fetch.serviceName}"`, { path: placeOf(error.path), extensions }),
    );
  }
}

/**
 * The @requires (or key) selection of one entity, as a representation; null when the entity
 * lacks any of it (then it is not fetched, as in @apollo/gateway).
 */
function selectRequired(schema: GraphQLSchema, source: any, selections: readonly QueryPlanSelectionNode[]): Data | null {
  if (source === null) return null;
  const result: Data = {};
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const name = selection.alias ?? selection.name;
      if (!Object.hasOwn(source, name) || source[name] === undefined) return null;
      const value = source[name];
      const inner = selection.selections;
      if (Array.isArray(value)) result[name] = inner ? value.map((element) => selectRequired(schema, element, inner)) : value;
      else result[name] = inner ? selectRequired(schema, value, inner) : value;
    } else {
      if (!selection.typeCondition || !source) continue;
      if (isObjectOfType(schema, source, selection.typeCondition)) deepMerge(result, selectRequired(schema, source, selection.selections));
    }
  }
  return result;
}

/** Where each non-null value at `path` sits in the response, in the order valuesAtPath lists them. */
function pathsOfEntities(root: any, path: readonly ResponsePathElement[]): Path[] {
  const out: Path[] = [];
  const walk = (value: any, at: Path, from: number) => {
    if (value === null || value === undefined) return;
    if (from === path.length) {
      if (Array.isArray(value)) value.forEach((element, index) => element !== null && element !== undefined && out.push([...at, index]));
      else out.push(at);
      return;
    }
    const step = path[from]!;
    if (step === '@') {
      if (Array.isArray(value)) value.forEach((element, index) => walk(element, [...at, index], from + 1));
      return;
    }
    walk(value[step], [...at, step], from + 1);
  };
  walk(root, [], 0);
  return out;
}

/** Merges `source` into `target` in place: objects key by key, lists element by element. */
export function deepMerge(target: any, source: any): any {
  if (source === null || source === undefined) return target;
  for (const key of Object.keys(source)) {
    const incoming = source[key];
    if (incoming === undefined) continue;
    const existing = target[key];
    if (existing !== null && typeof existing === 'object' && incoming !== null && typeof incoming === 'object') {
      if (Array.isArray(existing) && Array.isArray(incoming)) {
        for (let i = 0; i < incoming.length; i++) {
          const a = existing[i];
          const b = incoming[i];
          if (a !== null && typeof a === 'object' && b !== null && typeof b === 'object') deepMerge(a, b);
          else if (b !== undefined) existing[i] = b;
        }
      } else deepMerge(existing, incoming);
    } else target[key] = incoming;
  }
  return target;
}
