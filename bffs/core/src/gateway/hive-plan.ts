import type { QueryPlanner as HiveQueryPlanner } from '@graphql-hive/router-query-planner';
import type { FetchDataRewrite, PlanNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import { UnsupportedPlanError, type BatchFetchNode, type KitPlanNode } from './plan-node-runner';

/**
 * The Hive Router's query planner (Rust, through N-API) as a second planner for the kit's
 * executor. It plans the same supergraph with fewer fetches than @apollo/query-planner: it
 * schedules fetches by level and merges the entity fetches of one level to one subgraph into
 * one request (`BatchFetch`: aliased `_entities` fields, each with its own representations).
 *
 * Its plans are converted here into the node shapes plan-node-runner.ts runs (Apollo's, plus
 * `BatchFetch`). Anything the conversion does not know (defer, subscriptions, fragment spreads
 * in a `requires`) throws UnsupportedPlanError, and the operation is planned by Apollo's
 * planner instead.
 */
export class HivePlanner {
  private readonly planner: HiveQueryPlanner;

  /** Throws when the native planner cannot load on this platform (see hivePlannerAvailable) or the supergraph is not one it reads. */
  constructor(supergraphSdl: string) {
    const native = loadNativePlanner();
    if (!native) throw new UnsupportedPlanError(`the Hive planner does not load here: ${loadError}`);
    this.planner = new native.QueryPlanner(supergraphSdl);
  }

  plan(query: string, operationName: string | null | undefined): KitPlanNode | undefined {
    const plan = this.planner.plan(query, operationName || null, NO_OVERRIDE_LABELS, 0);
    return plan.node ? convertNode(plan.node) : undefined;
  }
}

const NO_OVERRIDE_LABELS = new Set<string>();

/**
 * The planner is a native addon with prebuilt binaries for Linux (glibc) and macOS, x64 and
 * arm64. Loaded on first use, so a BFF on another platform starts and plans with Apollo's
 * planner instead of failing at its first import.
 */
let native: typeof import('@graphql-hive/router-query-planner') | null | undefined;
let loadError = '';
function loadNativePlanner(): typeof import('@graphql-hive/router-query-planner') | null {
  if (native === undefined) {
    try {
      native = require('@graphql-hive/router-query-planner') as typeof import('@graphql-hive/router-query-planner');
    } catch (error) {
      native = null;
      loadError = (error as Error).message.split('\n')[0] ?? String(error);
    }
  }
  return native;
}

/** Whether the Hive planner loads on this platform; when not, why (for the BFF's start-up line). */
export function hivePlannerAvailable(): { available: true } | { available: false; reason: string } {
  return loadNativePlanner() ? { available: true } : { available: false, reason: loadError };
}

type HiveNode = ReturnType<HiveQueryPlanner['plan']>['node'] & object;
type HivePathSegment = { Field: string } | { TypeCondition: string[] } | '@';
type HiveRewrite = Record<string, any>;

function convertNode(node: HiveNode): KitPlanNode {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return { kind: node.kind, nodes: node.nodes.map(convertNode) } as PlanNode;
    case 'Flatten':
      return { kind: 'Flatten', path: flattenPath(node.path as HivePathSegment[]), node: convertNode(node.node) as PlanNode } as PlanNode;
    case 'Condition':
      return {
        kind: 'Condition',
        condition: node.condition,
        ifClause: node.ifClause ? (convertNode(node.ifClause) as PlanNode) : undefined,
        elseClause: node.elseClause ? (convertNode(node.elseClause) as PlanNode) : undefined,
      } as PlanNode;
    case 'Fetch':
      return {
        kind: 'Fetch',
        serviceName: node.serviceName,
        variableUsages: node.variableUsages,
        operation: node.operation,
        operationName: node.operationName,
        operationKind: node.operationKind ?? 'query',
        requires: node.requires ? requires(node.requires) : undefined,
        inputRewrites: rewrites(node.inputRewrites),
        outputRewrites: rewrites(node.outputRewrites),
      } as unknown as PlanNode;
    case 'BatchFetch':
      return {
        kind: 'BatchFetch',
        serviceName: node.serviceName,
        variableUsages: node.variableUsages,
        operation: node.operation,
        operationName: node.operationName,
        aliases: node.entityBatch.aliases.map((alias) => ({
          alias: alias.alias,
          representationsVariable: alias.representationsVariableName,
          paths: alias.paths.map((path) => flattenPath(path as HivePathSegment[])),
          requires: requires(alias.requires),
          inputRewrites: rewrites(alias.inputRewrites),
          outputRewrites: rewrites(alias.outputRewrites),
        })),
      } satisfies BatchFetchNode;
    default:
      throw new UnsupportedPlanError(`Hive plan node ${node.kind}`);
  }
}

/** Hive's path segments as the runner's: field names, `@` for every list element, `... on A,B` to keep entities of those types. */
function flattenPath(path: HivePathSegment[]): string[] {
  return path.map((segment) => {
    if (segment === '@') return '@';
    if ('Field' in segment) return segment.Field;
    return `... on ${segment.TypeCondition.join(',')}`;
  });
}

function requires(selections: readonly any[]): QueryPlanSelectionNode[] {
  return selections.map((selection) => {
    if (selection.kind === 'Field') {
      return { kind: 'Field', name: selection.name, alias: selection.alias, selections: selection.selections ? requires(selection.selections) : undefined } as QueryPlanSelectionNode;
    }
    if (selection.kind === 'InlineFragment' && !selection.skipIf && !selection.includeIf) {
      return { kind: 'InlineFragment', typeCondition: selection.typeCondition, selections: requires(selection.selections) } as QueryPlanSelectionNode;
    }
    throw new UnsupportedPlanError(`Hive requires selection ${selection.kind}${selection.skipIf || selection.includeIf ? ' with a condition' : ''}`);
  });
}

/**
 * Hive's rewrites (`{ValueSetter: {...}}` / `{KeyRenamer: {...}}`, paths of `{Key}` and
 * `{TypenameEquals: [...]}`) as Apollo's, which the runner applies with @apollo/gateway's
 * `applyRewrites`: one Apollo path per type a `TypenameEquals` names.
 */
function rewrites(list: readonly HiveRewrite[] | undefined): FetchDataRewrite[] | undefined {
  if (!list?.length) return undefined;
  const out: FetchDataRewrite[] = [];
  for (const rewrite of list) {
    const setter = rewrite.ValueSetter ?? (rewrite.kind === 'ValueSetter' ? rewrite : undefined);
    const renamer = rewrite.KeyRenamer ?? (rewrite.kind === 'KeyRenamer' ? rewrite : undefined);
    const body = setter ?? renamer;
    if (!body) throw new UnsupportedPlanError(`Hive rewrite ${JSON.stringify(rewrite).slice(0, 80)}`);
    for (const path of expandPaths(body.path)) {
      out.push(setter ? { kind: 'ValueSetter', path, setValueTo: setter.setValueTo } : { kind: 'KeyRenamer', path, renameKeyTo: renamer.renameKeyTo });
    }
  }
  return out;
}

function expandPaths(path: readonly ({ Key: string } | { TypenameEquals: string[] })[]): string[][] {
  let paths: string[][] = [[]];
  for (const segment of path) {
    const steps = 'Key' in segment ? [segment.Key] : segment.TypenameEquals.map((type) => `... on ${type}`);
    paths = paths.flatMap((prefix) => steps.map((step) => [...prefix, step]));
  }
  return paths;
}
