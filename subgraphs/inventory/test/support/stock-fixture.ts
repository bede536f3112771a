import type { TestSubgraph } from '@subgraphs/kit/testing';

/**
 * Stock set up per test, straight in inventory's database: each test takes products of its
 * own from `productIds` and gives them exactly the units it needs available.
 */
export function stockFixture(inventory: () => TestSubgraph, productIds: readonly string[]) {
  const pool = [...productIds];
  return {
    /** A fresh product with `units` available. */
    stocked: async (units: number): Promise<string> => {
      const productId = pool.shift();
      if (!productId) throw new Error('stockFixture: out of products for this suite');
      await inventory().db.query('UPDATE stock SET on_hand = reserved + $2 WHERE product_id = $1', [productId, units]);
      return productId;
    },
    /** Units of the product that can be sold now. */
    available: async (productId: string): Promise<number> =>
      (await inventory().db.query<{ n: number }>('SELECT on_hand - reserved AS n FROM stock WHERE product_id = $1', [productId])).rows[0]!.n,
  };
}
