import { InMemoryCache, type FieldPolicy } from '@apollo/client';

interface PageOfNodes {
  nodes: unknown[];
}

/**
 * A connection read page by page with `after`: one cached list per `keyArgs` (a category's
 * feed is not the whole feed's), each next page appended to the pages before it.
 */
function pagesOfNodes(keyArgs: string[] | false): FieldPolicy<PageOfNodes> {
  return {
    keyArgs,
    merge: (existing, incoming, { args }) => (args?.['after'] && existing ? { ...incoming, nodes: [...existing.nodes, ...incoming.nodes] } : incoming),
  };
}

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          products: pagesOfNodes(['categoryId']),
          myOrders: pagesOfNodes(false),
          // The screen of a new order reads it here: PlaceOrder returned every field it shows.
          order: { read: (existing, { args, toReference }) => existing ?? toReference({ __typename: 'Order', id: args?.['id'] as string }) },
        },
      },
      // A card has no id in our operations; the feed's and the product screen's cards of one
      // product are the same card with different fields, so merge them rather than replace.
      ProductCard: { merge: true },
    },
  });
}
