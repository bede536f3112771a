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
 * fetch, `['_entities', i, field]` for an entity fetch; the gateway maps them to the
 * entity's place in the response.
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

  let data: Record<string, unknown> | undefined;
  if (Array.isArray(representations)) {
    const entitiesField = rootSelections?.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === '_entities');
    const entities = representations.map((representation: { __typename?: string }, index) => ({
      __typename: representation?.__typename,
      ...nulls(entitiesField?.selectionSet, representation?.__typename, ['_entities', index]),
    }));
    data = { _entities: entities };
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
