import type { FieldPolicy, TypePolicies } from '@apollo/client';

interface Connection {
  nodes: readonly unknown[];
  pageInfo: unknown;
}

/**
 * A cursor-paginated list kept as one growing list per `keyArgs`: a page fetched with
 * `after` is appended ("load more"), a page without it starts the list again.
 */
function appendPages(keyArgs: string[] | false): FieldPolicy<Connection> {
  return {
    keyArgs,
    merge(existing, incoming, { args }) {
      if (!existing || !args?.after) return incoming;
      return { ...incoming, nodes: [...existing.nodes, ...incoming.nodes] };
    },
  };
}

export const typePolicies: TypePolicies = {
  Query: {
    fields: {
      searchProducts: appendPages(['query']),
      myOrders: appendPages(false),
    },
  },
  Category: { fields: { products: appendPages(false) } },
  Product: { fields: { reviews: appendPages(false) } },
  // Money and the like have no id: they belong to their parent.
  Money: { keyFields: false },
};
