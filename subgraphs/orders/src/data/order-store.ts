import { newestFirstPages, type InstantPosition, type ShippingClass } from '@subgraphs/kit';
import { type Queryable } from '@bff/platform';

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
  /** Inventory's reservation holding this order's stock; null for orders placed before reservations (the seed). */
  reservation_id: string | null;
}

export interface OrderLineRow {
  order_id: string;
  /** The order's currency: every line of an order is priced in it. */
  currency: string;
  line_number: number;
  product_id: string;
  quantity: number;
  unit_price_cents: number;
}

export const ORDER_COLUMNS =
  'id, number, user_id, idempotency_key, request_hash, status, placed_at, cancelled_at, subtotal_cents, shipping_cents, currency, reservation_id';

export async function ordersByIds(db: Queryable, ids: readonly string[]): Promise<OrderRow[]> {
  const { rows } = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ANY($1::text[])`, [ids]);
  return rows;
}

export async function linesByOrderIds(db: Queryable, orderIds: readonly string[]): Promise<OrderLineRow[]> {
  const { rows } = await db.query<OrderLineRow>(
    `SELECT l.order_id, l.line_number, l.product_id, l.quantity, l.unit_price_cents, o.currency
       FROM order_lines l JOIN orders o ON o.id = l.order_id
      WHERE l.order_id = ANY($1::text[])
      ORDER BY l.order_id, l.line_number`,
    [orderIds],
  );
  return rows;
}

export interface SellableProductRow {
  product_id: string;
  price_cents: number;
  currency: string;
  weight_grams: number;
  shipping_class: ShippingClass;
}

export async function sellableProducts(db: Queryable, productIds: readonly string[]): Promise<SellableProductRow[]> {
  const { rows } = await db.query<SellableProductRow>(
    'SELECT product_id, price_cents, currency, weight_grams, shipping_class FROM sellable_products WHERE product_id = ANY($1::text[])',
    [productIds],
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
