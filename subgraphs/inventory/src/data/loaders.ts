import DataLoader from 'dataloader';
import { onePer, type RequestDatabase } from '@subgraphs/kit';
import { stockByProductIds, type StockRow } from './stock-store';

export interface InventoryLoaders {
  stockByProductId: DataLoader<string, StockRow | null>;
}

export function createInventoryLoaders(db: RequestDatabase): InventoryLoaders {
  return {
    stockByProductId: new DataLoader(async (ids) => onePer(ids, await stockByProductIds(db, ids), (r) => r.product_id)),
  };
}
