import type { GraphQLDataSource } from '@apollo/gateway';
import { Kind, parse, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';
import { ErrorCode } from '@bff/platform';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;
type Path = (string | number)[];

const MESSAGE = 'This data is unavailable right now; the rest of the response is complete.';

/**
 * What a failed subgraph fetch hands the query plan in place of the subgraph's reply: an
 * explicit null for every field the fetch would have filled, and a SUBGRAPH_UNAVAILABLE
 * error at each of those fields' paths.
 *
 * Explicit nulls, not missing data, because the plan treats a missing field as "not
 * fetched": a later fetch that @requires it (the experience subgraph's `card` requires
 * `ratingSummary`) would then skip the whole entity, and a nullable field would be lost
 * along with everything around it. With a null it goes on, and the experience subgraph
 * decides what a card without a rating looks like.
 *
 * Paths are relative to the fetch, as a subgraph's own errors are: `[rootField]` for a root
 * fetch, `['_entities', i, field]` for an entity fetch (`[alias, i, field]` in a batch of
 * aliased `_entities` fields); the runner maps them to the entity's place in the response.
 */
export function unavailableResponse(request: { query?: string; variables?: Record<string, unknown> }, document?: DocumentNode): GatewayGraphQLResponse {
  const operation = (document ?? parseOrUndefined(request.query))?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const rootSelections = operation?.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet : undefined;
  const representations = request.variables?.representations;
  const errors: { message: string; path?: Path; extensions: { code: ErrorCode } }[] = [];
  const nulls = (selectionSet: SelectionSetNode | undefined, typename: string | undefined, path: Path): Record<string, null> => {
    const data: Record<string, null> = {};
    for (const name of responseNames(selectionSet, typename)) {
      data[name] = null;
      errors.push({ message: MESSAGE, path: [...path, name], extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE } });
    }
    return data;
  };

  // Entity fetches: one `_entities` field, or several aliased ones in a batch (the Hive
  // planner's BatchFetch), each with the representations of its own variable.
  const entityFields = rootSelections?.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === '_entities') ?? [];
  let data: Record<string, unknown>;
  if (entityFields.length > 0) {
    data = {};
    for (const field of entityFields) {
      const argument = field.arguments?.find((a) => a.name.value === 'representations');
      const variable = argument?.value.kind === Kind.VARIABLE ? argument.value.name.value : 'representations';
      const list = request.variables?.[variable];
      const responseName = field.alias?.value ?? '_entities';
      data[responseName] = (Array.isArray(list) ? list : []).map((representation: { __typename?: string }, index: number) => ({
        __typename: representation?.__typename,
        ...nulls(field.selectionSet, representation?.__typename, [responseName, index]),
      }));
    }
  } else if (Array.isArray(representations)) {
    // The document could not be read: the representations say how many entities to answer.
    data = { _entities: representations.map((representation: { __typename?: string }) => ({ __typename: representation?.__typename })) };
  } else {
    data = nulls(rootSelections, undefined, []);
  }
  // A fetch whose fields could not be read (no document) still reports, without a path.
  if (errors.length === 0) errors.push({ message: MESSAGE, extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE } });
  return { data, errors };
}

function parseOrUndefined(query: string | undefined): DocumentNode | undefined {
  try {
    return query ? parse(query) : undefined;
  } catch {
    return undefined;
  }
}

/** Response names selected on an object of `typename` (any type when undefined), `__typename` aside. */
function responseNames(selectionSet: SelectionSetNode | undefined, typename: string | undefined): string[] {
  const names: string[] = [];
  const collect = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') names.push(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        if (!condition || !typename || condition === typename) collect(selection.selectionSet);
      }
    }
  };
  if (selectionSet) collect(selectionSet);
  return [...new Set(names)];
}
