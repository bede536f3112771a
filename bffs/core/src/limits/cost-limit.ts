import { ErrorCode } from '@bff/platform';
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { CostModel } from './cost-model';
import { fragmentsOf, isIntrospection } from './fragments';
import { limitExceeded } from './limit-error';

export interface CostOptions {
  maxCost: number;
  defaultListSize: number;
  model: CostModel;
  /** The request's variables: `first: $n` costs what `$n` says. */
  variables: Record<string, unknown> | undefined;
}

/** A connection's slicing size, handed down to the child lists its @listSize names. */
interface SizedFields {
  names: ReadonlySet<string>;
  size: number;
}

/**
 * Limits the estimated cost of an operation, the way demand control does it: each object
 * costs 1 and each scalar 0 unless `@cost` says otherwise, and a list multiplies the cost
 * of its items by its size, taken from `@listSize` (slicing argument, else assumed size),
 * else from a `first`/`last` argument, else the client's default list size. Why: depth
 * and aliases do not see that `products(first: 100) { reviews(first: 100) }` asks for
 * 10,000 reviews; cost does.
 *
 * The gate checks it on every request (the cost depends on the variables), so it walks the
 * document itself rather than as a graphql-js validation rule, which would build a TypeInfo
 * and a visitor per call. Returns the highest cost of the document's operations (what a rate
 * limit charges), and the error of the first operation over the limit, if any.
 */
export function costCheck(schema: GraphQLSchema, document: DocumentNode, options: CostOptions): { cost: number; error?: GraphQLError } {
  const fragments = fragmentsOf(document);
  let cost = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const measured = Math.round(operationCost(schema, definition, fragments, options));
    if (measured > options.maxCost) return { cost: measured, error: limitExceeded(ErrorCode.COST_LIMIT_EXCEEDED, 'Estimated cost', 'maxCost', options.maxCost, measured) };
    cost = Math.max(cost, measured);
  }
  return { cost };
}

export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReturnType<typeof fragmentsOf>,
  options: CostOptions,
): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const variables = { ...defaultsOf(operation), ...(options.variables ?? {}) };
  const memo = new Map<string, number>();

  const argumentInt = (field: FieldNode, definition: GraphQLField<unknown, unknown>, name: string): number | undefined => {
    const arg = definition.args.find((a) => a.name === name);
    if (!arg) return undefined;
    const node = field.arguments?.find((a) => a.name.value === name);
    const value = node ? valueFromAST(node.value, arg.type, variables) : arg.defaultValue;
    return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : undefined;
  };

  const selectionCost = (parent: GraphQLCompositeType, set: SelectionSetNode, sized?: SizedFields): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) total += selectionCost(type, selection.selectionSet, sized);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const key = `${selection.name.value}|${sized?.size ?? ''}`;
        if (!fragment) continue;
        if (!memo.has(key)) {
          memo.set(key, 0); // a cycle costs nothing here; validation rejects it later
          const type = schema.getType(fragment.typeCondition.name.value);
          memo.set(key, type && isCompositeType(type) ? selectionCost(type, fragment.selectionSet, sized) : 0);
        }
        total += memo.get(key)!;
        continue;
      }
      const name = selection.name.value;
      if (isIntrospection(name) || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      const definition = parent.getFields()[name];
      if (!definition) continue; // unknown field: validation rejects it later
      const coordinate = `${parent.name}.${name}`;
      const itemType = getNamedType(definition.type);
      const weight =
        options.model.fieldWeights.get(coordinate) ??
        (isCompositeType(itemType) ? (options.model.typeWeights.get(itemType.name) ?? 1) : (options.model.typeWeights.get(itemType.name) ?? 0));
      const listSize = options.model.listSizes.get(coordinate);
      const sliced = listSize?.slicingArguments?.map((arg) => argumentInt(selection, definition, arg)).find((v) => v !== undefined);
      const requested = sliced ?? listSize?.assumedSize;
      const pageArgument = argumentInt(selection, definition, 'first') ?? argumentInt(selection, definition, 'last');

      if (listSize?.sizedFields?.length) {
        // A connection: the field is one object; the size applies to the lists it names.
        const size = requested ?? pageArgument ?? options.defaultListSize;
        const children = selection.selectionSet && isCompositeType(itemType)
          ? selectionCost(itemType, selection.selectionSet, { names: new Set(listSize.sizedFields), size })
          : 0;
        total += weight + children;
        continue;
      }
      const children = selection.selectionSet && isCompositeType(itemType) ? selectionCost(itemType, selection.selectionSet) : 0;
      if (isListType(getNullableType(definition.type))) {
        const size = sized?.names.has(name) ? sized.size : (requested ?? pageArgument ?? options.defaultListSize);
        total += size * (weight + children);
      } else {
        total += weight + children;
      }
    }
    return total;
  };

  return selectionCost(root, operation.selectionSet);
}

function defaultsOf(operation: OperationDefinitionNode): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const variable of operation.variableDefinitions ?? []) {
    if (variable.defaultValue?.kind === Kind.INT) defaults[variable.variable.name.value] = Number(variable.defaultValue.value);
  }
  return defaults;
}
