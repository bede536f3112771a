import DataLoader from 'dataloader';
import { createPageLoader, manyPer, onePer, type PageKey } from '@subgraphs/kit';
import { type RequestDatabase } from '@bff/platform';
import { afterOrder } from './cursors';
import { linesByOrderIds, orderPagesByUser, ordersByIds, type OrderLineRow, type OrderRow } from './order-store';

export interface OrdersLoaders {
  orderById: DataLoader<string, OrderRow | null>;
  linesByOrderId: DataLoader<string, OrderLineRow[]>;
  orderPageByUser: DataLoader<PageKey, OrderRow[], string>;
}

export function createOrdersLoaders(db: RequestDatabase): OrdersLoaders {
  return {
    orderById: new DataLoader(async (ids) => onePer(ids, await ordersByIds(db, ids), (r) => r.id)),
    linesByOrderId: new DataLoader(async (ids) => manyPer(ids, await linesByOrderIds(db, ids), (r) => r.order_id)),
    orderPageByUser: createPageLoader((ids, after, limit) => orderPagesByUser(db, ids, afterOrder(after), limit), (r) => r.user_id),
  };
}
