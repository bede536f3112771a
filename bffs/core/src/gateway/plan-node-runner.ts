import type { GraphQLDataSource } from '@apollo/gateway';
import { isObjectOfType, applyRewrites } from '@apollo/gateway/dist/dataRewrites';
import type { FetchDataRewrite, FetchNode, PlanNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import { sha256Hex } from '@bff/formats';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { REPLY_CACHE_HINT } from './subgraph-http';

/** Executes query plans whose nodes this file knows; anything else is someone else's to run. */
export class UnsupportedPlanError extends Error {}

/**
 * Entity fetches to one subgraph that the Hive planner merged into one request: one aliased
 * `_entities` field per alias, each with its own representations variable, gathered from
 * every path the alias lists (from the root of the result).
 */
export interface BatchFetchNode {
  kind: 'BatchFetch';
  serviceName: string;
  variableUsages?: string[];
  operation: string;
  operationName?: string;
  aliases: {
    alias: string;
    representationsVariable: string;
    paths: string[][];
    requires: QueryPlanSelectionNode[];
    inputRewrites?: FetchDataRewrite[];
    outputRewrites?: FetchDataRewrite[];
  }[];
}

/** What the runner runs: @apollo/query-planner's nodes, and the Hive planner's BatchFetch (hive-plan.ts). */
export type KitPlanNode = PlanNode | BatchFetchNode;

type Path = (string | number)[];
type ResponsePathElement = string | number;
type Data = Record<string, any>;

/** Every node of a plan, the root first (a Defer node's primary and deferred plans included). */
export function* planNodes(node: KitPlanNode | undefined): Generator<KitPlanNode> {
  if (!node) return;
  yield node;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) yield* planNodes(child);
      return;
    case 'Flatten':
      return yield* planNodes(node.node);
    case 'Condition':
      yield* planNodes(node.ifClause);
      return yield* planNodes(node.elseClause);
    case 'Defer':
      yield* planNodes(node.primary.node);
      for (const deferred of node.deferred) yield* planNodes(deferred.node);
  }
}

/** How long a subgraph's reply may be kept, and by whom (its Cache-Control). */
export interface FetchCacheHint {
  maxAge: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

/** An entity (or a root fetch's reply) kept from an earlier fetch, with what is left of its max-age to tell the client. */
export interface CachedEntity {
  data: Data;
  maxAge: number;
  scope: 'PUBLIC' | 'PRIVATE';
}

/**
 * Fetches kept from earlier plans (response-cache/entity-cache.ts), bound to one request's
 * caller. `fetchKey` names what a fetch selects (its subgraph, operation and variables); each
 * entry is one representation of it, or `ROOT_FETCH` for a root-field fetch's whole reply.
 */
export interface EntityFetchCache {
  lookup(fetchKey: string, representations: readonly unknown[]): Promise<(CachedEntity | undefined)[]>;
  /** `hint`: the reply's Cache-Control; null when it had none; undefined when unknown (not kept). */
  store(subgraph: string, fetchKey: string, representations: readonly unknown[], entities: readonly unknown[], hint: FetchCacheHint | null | undefined): Promise<void>;
}

/** The one entry of a root-field fetch in the entity cache. */
const ROOT_FETCH = ['root'] as const;

export interface PlanExecutionContext {
  supergraphSchema: GraphQLSchema;
  services: Readonly<Record<string, GraphQLDataSource>>;
  /** Apollo's request context, passed to data sources as the gateway does. */
  requestContext: any;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  /** Told when a fetch with an id (the planner's, for @defer's `depends`) has finished, well or not. */
  fetchDone?: (id: string) => void;
  /** Entities and root-field replies kept from earlier fetches (queries only); none: everything is fetched. */
  entityCache?: EntityFetchCache;
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
export async function executePlanNode(context: PlanExecutionContext, node: KitPlanNode, path: Path, data: Data, fullResult: Data): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executePlanNode(context, child, path, data, fullResult);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executePlanNode(context, child, path, data, fullResult)));
      return;
    case 'Flatten': {
      const target = valuesAtPath(context.supergraphSchema, data, node.path);
      if (target === undefined || target === null) return;
      return executePlanNode(context, node.node, [...path, ...node.path], target, fullResult);
    }
    case 'BatchFetch':
      try {
        await executeBatchFetch(context, node, fullResult);
      } catch (error) {
        context.errors.push(error instanceof GraphQLError ? error : new GraphQLError((error as Error).message ?? String(error), { originalError: error as Error }));
      }
      return;
    case 'Fetch':
      try {
        await executeFetch(context, node, path, data, fullResult);
      } catch (error) {
        context.errors.push(error instanceof GraphQLError ? error : new GraphQLError((error as Error).message ?? String(error), { originalError: error as Error }));
      }
      if (node.id !== undefined) context.fetchDone?.(node.id);
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

/** The operation's variables that one fetch uses (those the client gave). */
export function fetchVariables(context: PlanExecutionContext, usages: readonly string[] | undefined): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const name of usages ?? []) {
    const value = context.variables[name];
    if (value !== undefined) variables[name] = value;
  }
  return variables;
}

const TYPE_CONDITION = '... on ';

/** Whether `value` is of one of the types a `... on A,B` path step names (Hive plans' type conditions). */
function matchesTypeCondition(schema: GraphQLSchema, value: any, step: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  for (const type of step.slice(TYPE_CONDITION.length).split(',')) if (isObjectOfType(schema, value, type)) return true;
  return false;
}

/**
 * The values at `path` below `value`; `@` steps into every element of a list (lists of lists
 * flatten); `... on A,B` keeps only the values of those types.
 */
function valuesAtPath(schema: GraphQLSchema, value: any, path: readonly ResponsePathElement[], from = 0): any {
  if (from === path.length || value === null || value === undefined) return value;
  const step = path[from]!;
  if (step === '@') {
    if (!Array.isArray(value)) return undefined;
    const out: any[] = [];
    for (const element of value) {
      const inner = valuesAtPath(schema, element, path, from + 1);
      if (Array.isArray(inner)) for (const item of inner) out.push(item);
      else out.push(inner);
    }
    return out;
  }
  if (typeof step === 'string' && step.startsWith(TYPE_CONDITION)) {
    return matchesTypeCondition(schema, value, step) ? valuesAtPath(schema, value, path, from + 1) : undefined;
  }
  return valuesAtPath(schema, value[step], path, from + 1);
}

async function executeFetch(context: PlanExecutionContext, fetch: FetchNode, path: Path, data: any, fullResult: Data): Promise<void> {
  const service = context.services[fetch.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities: Data[] = [];
  if (Array.isArray(data)) {
    for (const entity of data) if (entity !== null && entity !== undefined) entities.push(entity);
  } else entities.push(data);
  if (entities.length === 0) return;

  const variables = fetchVariables(context, fetch.variableUsages);
  const cache = context.entityCache;
  const fetchKey = cache && entityFetchKey(fetch, fetch.serviceName, fetch.operation, variables);

  if (!fetch.requires) {
    const kept = cache && (await fromCache(context, fetchKey!, ROOT_FETCH)).kept[0];
    if (kept) return mergeReply(context, fetch, { data: kept.data }, path, entities);
    const reply = await send(context, service, fetch, variables, path);
    if (cache && reply.data && !reply.errors?.length) await cache.store(fetch.serviceName, fetchKey!, ROOT_FETCH, [reply.data], hintOf(reply));
    mergeReply(context, fetch, reply, path, entities);
    return;
  }

  const { representations, owners } = collectRepresentations(context.supergraphSchema, entities, fetch.requires, fetch.inputRewrites);
  if (representations.length === 0) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  // With the entity cache, only the representations it does not keep are sent.
  const { kept, missing } = cache ? await fromCache(context, fetchKey!, representations) : { kept: undefined, missing: undefined };
  let received: unknown[] = kept ? kept.map((entity) => entity?.data ?? null) : [];
  if (!missing || missing.length > 0) {
    const asked = missing ? missing.map((index) => representations[index]!) : representations;
    variables.representations = asked;
    const reply = await send(context, service, fetch, variables, path);
    let entityPaths: Path[] | undefined;
    reportErrors(context, fetch, reply.errors, (errorPath) => {
      if (!errorPath || typeof errorPath[1] !== 'number') return errorPath ? [...path, ...errorPath] : undefined;
      entityPaths ??= pathsOfEntities(context.supergraphSchema, fullResult, path);
      const owner = owners[missing ? missing[errorPath[1]]! : errorPath[1]]?.[0];
      return [...(owner === undefined ? path : (entityPaths[owner] ?? path)), ...errorPath.slice(2)];
    });
    if (!reply.data) {
      if (!kept) return;
    } else {
      const fetched = entityList(reply.data._entities, '_entities', asked.length);
      if (!missing) received = fetched;
      else {
        if (!reply.errors?.length) await cache!.store(fetch.serviceName, fetchKey!, asked, fetched, hintOf(reply));
        missing.forEach((index, i) => (received[index] = fetched[i]));
      }
    }
  }
  mergeEntities(context.supergraphSchema, received, owners, entities, fetch.outputRewrites);
}

/**
 * What the entity cache keeps of these representations (the client's reply may be kept no
 * longer than the shortest of them), and the indexes of those it does not.
 */
async function fromCache(context: PlanExecutionContext, fetchKey: string, representations: readonly unknown[]): Promise<{ kept: (CachedEntity | undefined)[]; missing: number[] }> {
  const kept = await context.entityCache!.lookup(fetchKey, representations);
  const missing: number[] = [];
  const cachePolicy = context.requestContext.overallCachePolicy as { restrict?: (hint: FetchCacheHint) => void } | undefined;
  kept.forEach((entity, index) => (entity ? cachePolicy?.restrict?.({ maxAge: entity.maxAge, scope: entity.scope }) : missing.push(index)));
  return { kept, missing };
}

/** The cache hint the data source attached to a subgraph's reply (subgraph-http.ts). */
function hintOf(reply: object): FetchCacheHint | null | undefined {
  return (reply as { [REPLY_CACHE_HINT]?: FetchCacheHint | null })[REPLY_CACHE_HINT];
}

/** Per plan node, the part of its entity cache key worked out once: its subgraph and operation text. */
const fetchKeys = new WeakMap<object, string>();

/** What a fetch selects: its subgraph, its operation text, and the operation's variables it uses (not the representations). */
function entityFetchKey(node: object, serviceName: string, operation: string, variables: Record<string, unknown>): string {
  let key = fetchKeys.get(node);
  if (key === undefined) fetchKeys.set(node, (key = `${serviceName}:${sha256Hex(operation).slice(0, 24)}`));
  for (const _ in variables) return `${key}:${sha256Hex(JSON.stringify(variables)).slice(0, 24)}`;
  return key;
}

/**
 * A reply to a fetch that needs no representations (a root field's, a subscription's event)
 * merged into `entities` at `path`, its errors placed there.
 */
export function mergeReply(
  context: PlanExecutionContext,
  fetch: FetchNode,
  reply: { data?: Data | null; errors?: readonly { message?: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] },
  path: Path,
  entities: readonly Data[],
): void {
  reportErrors(context, fetch, reply.errors, (errorPath) => (errorPath ? [...path, ...errorPath] : undefined));
  const received = reply.data;
  if (!received) return;
  if (fetch.outputRewrites) applyRewrites(context.supergraphSchema, fetch.outputRewrites, received);
  for (const entity of entities) deepMerge(entity, received);
}

/**
 * Each entity's representation (its @requires or key selection, rewritten), each distinct
 * representation once: `owners[i]` lists the entities (by index) that representation `i`
 * stands for, so an entity that appears at several places in the result is fetched once.
 */
function collectRepresentations(schema: GraphQLSchema, entities: readonly Data[], requires: readonly QueryPlanSelectionNode[], inputRewrites: readonly FetchDataRewrite[] | undefined): { representations: Data[]; owners: number[][] } {
  const representations: Data[] = [];
  const owners: number[][] = [];
  const seen = new Map<string, number>();
  for (let index = 0; index < entities.length; index++) {
    const representation = selectRequired(schema, entities[index], requires);
    if (!representation || !representation.__typename) continue;
    if (inputRewrites) applyRewrites(schema, inputRewrites as FetchDataRewrite[], representation);
    const key = representationKey(representation);
    const known = seen.get(key);
    if (known !== undefined) {
      owners[known]!.push(index);
      continue;
    }
    seen.set(key, representations.length);
    representations.push(representation);
    owners.push([index]);
  }
  return { representations, owners };
}

/**
 * A key equal for equal representations. Most are flat (a typename and key fields), keyed
 * without JSON; one with nested values (a composite key, @requires inputs) falls back to JSON.
 */
function representationKey(representation: Data): string {
  let key = '';
  for (const name in representation) {
    const value = representation[name];
    if (value !== null && typeof value === 'object') return JSON.stringify(representation);
    key += `${name}\u0000${typeof value === 'string' ? 's' : typeof value === 'number' ? 'n' : 'o'}${value}\u0001`;
  }
  return key;
}

/** A reply's `_entities` (or alias) list, checked to hold one entry per representation sent. */
function entityList(received: unknown, field: string, expected: number): unknown[] {
  if (!Array.isArray(received)) throw new Error(`Expected "data.${field}" in response to be an array`);
  if (received.length !== expected) throw new Error(`Expected "data.${field}" to contain ${expected} elements`);
  return received;
}

/** Entities (one per representation, in order) merged into the entities each representation stands for. */
function mergeEntities(schema: GraphQLSchema, received: readonly any[], owners: readonly number[][], entities: readonly Data[], outputRewrites: readonly FetchDataRewrite[] | undefined): void {
  for (let i = 0; i < received.length; i++) {
    const entity = received[i];
    if (!entity) continue;
    const targets = owners[i]!;
    if (!entity.__typename) entity.__typename = entities[targets[0]!]!.__typename;
    if (outputRewrites) applyRewrites(schema, outputRewrites as FetchDataRewrite[], entity);
    for (const target of targets) deepMerge(entities[target]!, entity);
  }
}

/**
 * A BatchFetch: per alias, the entities at each of its paths (from the root), their distinct
 * representations in the alias's own variable; one request for all aliases; each alias's
 * reply merged into its entities.
 */
async function executeBatchFetch(context: PlanExecutionContext, batch: BatchFetchNode, root: Data): Promise<void> {
  const service = context.services[batch.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${batch.serviceName}"`);
  const schema = context.supergraphSchema;
  const variables = fetchVariables(context, batch.variableUsages);
  const groups = batch.aliases.map((alias) => {
    const entities: Data[] = [];
    /** Where each entity is in the result, worked out only if an error needs it: [path index, position among that path's values]. */
    const places: [number, number][] = [];
    alias.paths.forEach((path, pathIndex) => {
      const found = valuesAtPath(schema, root, path);
      const list = Array.isArray(found) ? found : found === undefined || found === null ? [] : [found];
      // Positions count non-null values only, as pathsOfEntities lists them.
      let position = 0;
      for (const entity of list) {
        if (entity === null || entity === undefined) continue;
        entities.push(entity);
        places.push([pathIndex, position++]);
      }
    });
    const { representations, owners } = collectRepresentations(schema, entities, alias.requires, alias.inputRewrites);
    return { alias, entities, places, representations, owners, kept: undefined as (CachedEntity | undefined)[] | undefined, missing: undefined as number[] | undefined };
  });
  if (groups.every((group) => group.representations.length === 0)) return;
  // With the entity cache, each alias sends only the representations it does not keep.
  const cache = context.entityCache;
  const batchKey = cache && entityFetchKey(batch, batch.serviceName, batch.operation, variables);
  if (cache) {
    await Promise.all(
      groups.map(async (group) => {
        if (group.representations.length === 0) return;
        Object.assign(group, await fromCache(context, `${batchKey}:${group.alias.alias}`, group.representations));
      }),
    );
  }
  const asked = (group: (typeof groups)[number]) => (group.missing ? group.missing.map((index) => group.representations[index]!) : group.representations);
  for (const group of groups) variables[group.alias.representationsVariable] = asked(group);
  let reply: Awaited<ReturnType<typeof send>> | undefined;
  if (groups.some((group) => asked(group).length > 0)) {
    const fetch = { serviceName: batch.serviceName, operation: batch.operation, operationName: batch.operationName } as FetchNode;
    reply = await send(context, service, fetch, variables, []);
    const pathsByAlias = new Map<string, Path[][]>();
    reportErrors(context, fetch, reply.errors, (errorPath) => {
      const group = errorPath && groups.find((g) => g.alias.alias === errorPath[0]);
      if (!group || typeof errorPath![1] !== 'number') return errorPath ? [...errorPath] : undefined;
      const owner = group.owners[group.missing ? group.missing[errorPath![1]]! : errorPath![1]]?.[0];
      if (owner === undefined) return [...errorPath!];
      let paths = pathsByAlias.get(group.alias.alias);
      if (!paths) pathsByAlias.set(group.alias.alias, (paths = group.alias.paths.map((path) => pathsOfEntities(schema, root, path))));
      const [pathIndex, position] = group.places[owner]!;
      return [...(paths[pathIndex]?.[position] ?? []), ...errorPath!.slice(2)];
    });
  }
  for (const group of groups) {
    if (group.representations.length === 0) continue;
    const sent = asked(group);
    if (!group.kept) {
      if (reply?.data) mergeEntities(schema, entityList(reply.data[group.alias.alias], group.alias.alias, sent.length), group.owners, group.entities, group.alias.outputRewrites);
      continue;
    }
    const received: unknown[] = group.kept.map((entity) => entity?.data ?? null);
    if (sent.length > 0 && reply?.data) {
      const fetched = entityList(reply.data[group.alias.alias], group.alias.alias, sent.length);
      if (!reply.errors?.length) await cache!.store(batch.serviceName, `${batchKey}:${group.alias.alias}`, sent, fetched, hintOf(reply));
      group.missing!.forEach((index, i) => (received[index] = fetched[i]));
    }
    mergeEntities(schema, received, group.owners, group.entities, group.alias.outputRewrites);
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
function pathsOfEntities(schema: GraphQLSchema, root: any, path: readonly ResponsePathElement[]): Path[] {
  const out: Path[] = [];
  const walk = (value: any, at: Path, from: number) => {
    if (value === null || value === undefined) return;
    const step = path[from];
    if (typeof step === 'string' && step.startsWith(TYPE_CONDITION)) {
      if (matchesTypeCondition(schema, value, step)) walk(value, at, from + 1);
      return;
    }
    if (from === path.length) {
      if (Array.isArray(value)) value.forEach((element, index) => element !== null && element !== undefined && out.push([...at, index]));
      else out.push(at);
      return;
    }
    if (step === '@') {
      if (Array.isArray(value)) value.forEach((element, index) => walk(element, [...at, index], from + 1));
      return;
    }
    walk(value[step!], [...at, step!], from + 1);
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
