import { baseType, isCompositeType, parseSelectionSet, type CompositeType, type Operation, type Schema, type SelectionSet } from '@apollo/federation-internals';
import type { DeferNode, DeferredNode, PlanNode } from '@apollo/query-planner';
import { GraphQLError } from 'graphql';
import { executePlanNode, planNodes, type KitPlanNode, type PlanExecutionContext } from './plan-node-runner';
import { compileSelectionShaper, type ResponseShaper } from './response-shaper';

/** One step of a deferred fragment's path from the root: a response name, or a type condition (`... on Product`). */
type PathStep = { responseName: string } | { typeCondition: string };

/** A deferred fragment as the runner runs it, compiled once per operation. */
interface CompiledDeferred {
  label?: string;
  path: PathStep[];
  node?: KitPlanNode;
  /** Shapes one object at `path` to the fragment's selection. */
  shape: ResponseShaper;
  /** The other deferred fragments whose fetches this one needs first (the planner's `depends`). */
  after: number[];
  /** The primary part's fetches this one needs first (by the planner's fetch ids). */
  needs: string[];
}

/** A plan with @defer: the primary part and the deferred fragments. */
export interface CompiledDefer {
  primary?: KitPlanNode;
  primaryShape: ResponseShaper;
  deferred: CompiledDeferred[];
}

/** One deferred fragment's data at one place in the reply (the 2022-08-24 incremental format's item). */
export interface IncrementalItem {
  data: Record<string, unknown> | null;
  path: (string | number)[];
  label?: string;
  errors?: GraphQLError[];
}

/** A reply in parts: the primary part now, the deferred fragments as each completes. */
export interface IncrementalExecution {
  initial: { data: Record<string, unknown> | null | undefined; errors?: GraphQLError[]; extensions?: Record<string, unknown> };
  /** Each deferred fragment's items, in the order the fragments complete; empty arrays are not yielded. */
  subsequent: AsyncIterable<IncrementalItem[]>;
}

/**
 * Compiles the planner's Defer node (the root of a plan for an operation with @defer): the
 * primary part's selection and each deferred fragment's, as shapers, and which deferred
 * fragments wait for which (a nested @defer needs its parent fragment's entities first).
 */
export function compileDefer(node: DeferNode, operation: Operation): CompiledDefer {
  const schema = operation.schema();
  const root = schema.schemaDefinition.rootType(operation.rootKind)!;
  const defaults = operation.collectDefaultedVariableValues();
  const selection = (parentType: CompositeType, source: string | undefined): SelectionSet | undefined =>
    source ? parseSelectionSet({ parentType, source, variableDefinitions: operation.variableDefinitions, validate: false }) : undefined;
  const primarySelection = selection(root, node.primary.subselection);
  // A nested @defer is a Defer node as its parent fragment's plan: the parent's part is that
  // node's primary, and the nested fragments join the list, after the fetches they depend on.
  const flat: { deferred: DeferredNode; node?: PlanNode; subselection?: string }[] = [];
  const flatten = (list: readonly DeferredNode[]) => {
    for (const deferred of list) {
      if (deferred.node?.kind === 'Defer') {
        flat.push({ deferred, node: deferred.node.primary.node, subselection: deferred.node.primary.subselection ?? deferred.subselection });
        flatten(deferred.node.deferred);
      } else {
        flat.push({ deferred, node: deferred.node, subselection: deferred.subselection });
      }
    }
  };
  flatten(node.deferred);
  const fetchOwner = new Map<string, number>();
  flat.forEach((entry, index) => {
    for (const planNode of planNodes(entry.node as KitPlanNode | undefined)) if (planNode.kind === 'Fetch' && planNode.id !== undefined) fetchOwner.set(planNode.id, index);
  });
  const expanded = operation.expandAllFragments();
  return {
    primary: node.primary.node as KitPlanNode | undefined,
    primaryShape: primarySelection ? compileSelectionShaper(primarySelection, root, defaults) : () => ({ data: {}, errors: [] }),
    deferred: flat.map(({ deferred, node: plan, subselection }, index) => {
      const path = deferred.queryPath.map(parseStep);
      const parentType = typeAtPath(schema, expanded, path);
      const fragment = selection(parentType, subselection);
      const after = [...new Set(deferred.depends.map((d) => fetchOwner.get(d.id)).filter((owner): owner is number => owner !== undefined && owner !== index))];
      const needs = deferred.depends.filter((d) => !fetchOwner.has(d.id)).map((d) => d.id);
      return {
        label: deferred.label,
        path,
        node: plan as KitPlanNode | undefined,
        shape: fragment ? compileSelectionShaper(fragment, parentType, defaults) : () => ({ data: {}, errors: [] }),
        after,
        needs,
      };
    }),
  };
}

/**
 * Runs a compiled Defer plan. The primary part's reply is ready as soon as its fetches are
 * done; each deferred fragment starts as soon as the fetches it depends on have finished (the
 * primary's, by the planner's fetch ids, and other fragments'), which may be before the
 * primary part is complete, and its part follows the primary part. Each fragment keeps its
 * own errors, so a failing subgraph shows in its own part and holds back nothing else. Once
 * `stopped()` says so (the client went away), no further fragment starts.
 */
export async function runDefer(
  compiled: CompiledDefer,
  context: PlanExecutionContext,
  unshaped: Record<string, any>,
  variables: Record<string, unknown>,
  stopped: () => boolean,
): Promise<IncrementalExecution> {
  const fetched = new Map<string, () => void>();
  const fetchedPromises = new Map<string, Promise<void>>();
  for (const fragment of compiled.deferred) {
    for (const id of fragment.needs) {
      if (!fetchedPromises.has(id)) fetchedPromises.set(id, new Promise<void>((resolve) => fetched.set(id, resolve)));
    }
  }
  let primaryDone!: () => void;
  // A fetch under a condition that did not hold never reports; the primary's end releases its waiters.
  const primaryFinished = new Promise<void>((resolve) => (primaryDone = resolve));
  const primaryContext: PlanExecutionContext = { ...context, fetchDone: (id) => fetched.get(id)?.() };
  const parts = startDeferred(compiled, context, unshaped, variables, stopped, (id) => Promise.race([fetchedPromises.get(id), primaryFinished]));
  try {
    if (compiled.primary) await executePlanNode(primaryContext, compiled.primary, [], unshaped, unshaped);
  } finally {
    primaryDone();
  }
  const { data, errors: completion } = compiled.primaryShape(unshaped, variables);
  const initial: IncrementalExecution['initial'] = { data };
  if (context.errors.length > 0) initial.errors = [...context.errors];
  else if (completion.length > 0) initial.extensions = { valueCompletion: completion };
  return { initial, subsequent: parts };
}

/** Starts every deferred fragment (each waits for what it needs) and hands out their items as they complete. */
function startDeferred(
  compiled: CompiledDefer,
  context: PlanExecutionContext,
  unshaped: Record<string, any>,
  variables: Record<string, unknown>,
  stopped: () => boolean,
  fetchFinished: (id: string) => Promise<void>,
): AsyncIterable<IncrementalItem[]> {
  const { deferred } = compiled;
  const done = new Array<Promise<void> | undefined>(deferred.length);
  const ready: IncrementalItem[][] = [];
  let wake: (() => void) | undefined;
  let pending = deferred.length;
  const start = (index: number): Promise<void> => {
    const existing = done[index];
    if (existing) return existing;
    const fragment = deferred[index]!;
    const run = (async () => {
      await Promise.all([...fragment.needs.map(fetchFinished), ...fragment.after.map(start)]);
      if (stopped()) return;
      const own: PlanExecutionContext = { ...context, errors: [] };
      try {
        if (fragment.node) await executePlanNode(own, fragment.node, [], unshaped, unshaped);
      } catch (error) {
        // Whatever goes wrong in one fragment is that fragment's error, never the request's end.
        own.errors.push(error instanceof GraphQLError ? error : new GraphQLError((error as Error).message ?? String(error), { originalError: error as Error }));
      }
      const items: IncrementalItem[] = [];
      for (const { path, value } of objectsAt(context.supergraphSchema, unshaped, fragment.path)) {
        const shaped = fragment.shape(value, variables);
        const item: IncrementalItem = { data: shaped.data ?? null, path };
        if (fragment.label !== undefined) item.label = fragment.label;
        const errors = [...own.errors.filter((e) => startsWith(e.path, path)), ...shaped.errors];
        if (errors.length > 0) item.errors = errors;
        items.push(item);
      }
      // Fetch errors without a path inside any item (a subgraph that did not answer at all) go with the first item.
      const unplaced = own.errors.filter((e) => !items.some((item) => startsWith(e.path, item.path)));
      if (unplaced.length > 0) {
        if (items.length === 0) items.push({ data: null, path: [], ...(fragment.label !== undefined ? { label: fragment.label } : {}) });
        items[0]!.errors = [...unplaced, ...(items[0]!.errors ?? [])];
      }
      ready.push(items);
    })()
      .catch((error: unknown) => {
        // Shaping that throws is a bug of ours; the client gets it as this fragment's error.
        const failure = error instanceof GraphQLError ? error : new GraphQLError((error as Error)?.message ?? String(error), { originalError: error as Error });
        ready.push([{ data: null, path: [], ...(fragment.label !== undefined ? { label: fragment.label } : {}), errors: [failure] }]);
      })
      .finally(() => {
      pending -= 1;
      wake?.();
    });
    done[index] = run;
    return run;
  };
  deferred.forEach((_, index) => void start(index));
  return (async function* drain(): AsyncGenerator<IncrementalItem[]> {
    while (pending > 0 || ready.length > 0) {
      if (ready.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      const items = ready.shift()!;
      if (items.length > 0) yield items;
    }
  })();
}

function parseStep(step: string): PathStep {
  const condition = /^\.\.\.\s+on\s+(\w+)$/.exec(step);
  return condition ? { typeCondition: condition[1]! } : { responseName: step };
}

/** The type a deferred fragment applies to: its path walked through the operation's fields. */
function typeAtPath(schema: Schema, operation: Operation, path: readonly PathStep[]): CompositeType {
  let type: CompositeType = schema.schemaDefinition.rootType(operation.rootKind)!;
  let selectionSets: SelectionSet[] = [operation.selectionSet];
  for (const step of path) {
    if ('typeCondition' in step) {
      const named = schema.type(step.typeCondition);
      if (!named || !isCompositeType(named)) throw new Error(`@defer: no composite type ${step.typeCondition} in the API schema`);
      type = named;
      continue;
    }
    const field = findField(selectionSets, step.responseName);
    if (!field) throw new Error(`@defer: no field ${step.responseName} on the deferred fragment's path`);
    const fieldType = baseType(field.element.definition.type!);
    if (!isCompositeType(fieldType)) throw new Error(`@defer: ${step.responseName} is not an object on the deferred fragment's path`);
    type = fieldType;
    selectionSets = field.selectionSet ? [field.selectionSet] : [];
  }
  return type;
}

/** A field selection with this response name, directly or inside inline fragments. */
function findField(selectionSets: readonly SelectionSet[], responseName: string): any {
  for (const set of selectionSets) {
    for (const selection of set.selections()) {
      if (selection.kind === 'FieldSelection') {
        if (selection.element.responseName() === responseName) return selection;
      } else if (selection.selectionSet) {
        const inner = findField([selection.selectionSet], responseName);
        if (inner) return inner;
      }
    }
  }
  return undefined;
}

/** The objects a deferred fragment applies to, with their paths in the reply: lists expanded, type conditions checked. */
function objectsAt(schema: PlanExecutionContext['supergraphSchema'], root: Record<string, any>, path: readonly PathStep[]): { path: (string | number)[]; value: Record<string, any> }[] {
  let current: { path: (string | number)[]; value: any }[] = [{ path: [], value: root }];
  for (const step of path) {
    const next: typeof current = [];
    for (const { path: at, value } of current) {
      if ('typeCondition' in step) {
        if (value && typeof value === 'object' && runtimeTypeMatches(schema, value.__typename, step.typeCondition)) next.push({ path: at, value });
        continue;
      }
      const child = value?.[step.responseName];
      const push = (v: any, p: (string | number)[]) => {
        if (Array.isArray(v)) v.forEach((element, i) => push(element, [...p, i]));
        else if (v !== null && v !== undefined) next.push({ path: p, value: v });
      };
      push(child, [...at, step.responseName]);
    }
    current = next;
  }
  return current;
}

function runtimeTypeMatches(schema: PlanExecutionContext['supergraphSchema'], typename: unknown, condition: string): boolean {
  if (typeof typename !== 'string') return true;
  if (typename === condition) return true;
  const abstract = schema.getType(condition);
  const runtime = schema.getType(typename);
  return !!abstract && !!runtime && 'getInterfaces' in runtime && (schema.isSubType(abstract as any, runtime as any) ?? false);
}

function startsWith(path: readonly (string | number)[] | undefined, prefix: readonly (string | number)[]): boolean {
  if (!path || path.length < prefix.length) return false;
  return prefix.every((element, i) => path[i] === element);
}
