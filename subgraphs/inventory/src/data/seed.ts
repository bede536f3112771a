import { bulkInsert, type Seed } from '@bff/platform';
import { dataset } from '@subgraphs/kit';

export const inventorySeed: Seed = {
  version: '1',
  async load(tx) {
    await bulkInsert(
      tx,
      'stock',
      ['product_id', 'on_hand', 'reserved', 'warehouse', 'restock_date'],
      // Reserved units are held for unshipped orders, so on hand = available + reserved.
      dataset().stock.map((s) => [s.productId, s.available + s.reserved, s.reserved, s.warehouse, s.restockDate]),
    );
  },
};
