import type { InventoryContext } from '../context';
import type { StockRow } from '../data/stock-store';
import { estimateShipping, type ShippingInput } from './shipping';

const LOW_STOCK = 5;

interface ProductReference extends Partial<ShippingInput> {
  id: string;
}

const available = (stock: StockRow | null) => (stock ? stock.on_hand - stock.reserved : 0);

export const Product = {
  // Inventory keeps no product rows of its own: the reference (plus @requires fields) is the product.
  __resolveReference: (reference: ProductReference) => reference,
  stock: async (product: ProductReference, _args: unknown, context: InventoryContext) => {
    const stock = await context.loaders.stockByProductId.load(product.id);
    const units = available(stock);
    return {
      available: units,
      status: units === 0 ? 'OUT_OF_STOCK' : units <= LOW_STOCK ? 'LOW_STOCK' : 'IN_STOCK',
      warehouse: stock?.warehouse ?? 'UNASSIGNED',
      restockDate: units === 0 ? (stock?.restock_date ?? null) : null,
    };
  },
  inStock: async (product: ProductReference, _args: unknown, context: InventoryContext) =>
    available(await context.loaders.stockByProductId.load(product.id)) > 0,
  shippingEstimate: async (product: ProductReference, _args: unknown, context: InventoryContext) => {
    const { weightGrams, price, shippingClass } = product;
    if (weightGrams === undefined || price === undefined || shippingClass === undefined) {
      // Only reachable if a gateway skips the @requires fields; fail loudly rather than guess.
      throw new Error(`shippingEstimate for ${product.id} resolved without its @requires fields`);
    }
    const stock = await context.loaders.stockByProductId.load(product.id);
    return estimateShipping({ weightGrams, price, shippingClass }, stock);
  },
};
