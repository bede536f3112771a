import { newestFirstPages, type InstantPosition, type Queryable } from '@subgraphs/kit';

export interface OrderRow {
  id: string;
  number: string;
  user_id: string;
  idempotency_key: string;
  request_hash: string;
  status: 'PLACED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';
  placed_at: Date;
  cancelled_at: Date | null;
  subtotal_cents: number;
  shipping_cents: number;
  currency: string;
}

export interface OrderLineRow {
  order_id: string;
  line_number: number;
  product_id: string;
  quantity: number;
  unit_price_cents: number;
}

export const ORDER_COLUMNS =
  'id, number, user_id, idempotency_key, request_hash, status, placed_at, cancelled_at, subtotal_cents, shipping_cents, currency';

export async function ordersByIds(db: Queryable, ids: readonly string[]): Promise<OrderRow[]> {
  const { rows } = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ANY($1::text[])`, [ids]);
  return rows;
}

export async function linesByOrderIds(db: Queryable, orderIds: readonly string[]): Promise<OrderLineRow[]> {
  const { rows } = await db.query<OrderLineRow>(
    'SELECT order_id, line_number, product_id, quantity, unit_price_cents FROM order_lines WHERE order_id = ANY($1::text[]) ORDER BY order_id, line_number',
    [orderIds],
  );
  return rows;
}

/** The same page of orders (newest first) for many users in one statement. */
export function orderPagesByUser(
  db: Queryable,
  userIds: readonly string[],
  after: InstantPosition | null,
  limit: number,
): Promise<OrderRow[]> {
  return newestFirstPages<OrderRow>(db, { table: 'orders', columns: ORDER_COLUMNS, owner: 'user_id', instant: 'placed_at' }, userIds, after, limit);
}
