import DataLoader from 'dataloader';
import { onePer } from '@subgraphs/kit';
import { type RequestDatabase } from '@bff/platform';
import { stockByProductIds, type StockRow } from './stock-store';

export interface InventoryLoaders {
  stockByProductId: DataLoader<string, StockRow | null>;
}

export function createInventoryLoaders(db: RequestDatabase): InventoryLoaders {
  return {
    stockByProductId: new DataLoader(async (ids) => onePer(ids, await stockByProductIds(db, ids), (r) => r.product_id)),
  };
}
