import { conflict, notFound, type RequestDatabase } from '@bff/platform';
import { ORDER_COLUMNS, type OrderRow } from './order-store';

/** Fulfilment's steps: what each status moves on to. */
const NEXT_STATUS: Partial<Record<OrderRow['status'], OrderRow['status']>> = { PLACED: 'SHIPPED', SHIPPED: 'DELIVERED' };

/**
 * Moves any user's order one step along fulfilment (staff work), under the order's row lock,
 * so two steps taken at once apply one after the other. A delivered or cancelled order does
 * not move (CONFLICT).
 */
export async function advanceOrder(db: RequestDatabase, orderId: string): Promise<OrderRow> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`, [orderId]);
    const order = rows[0];
    if (!order) throw notFound(`No order "${orderId}".`);
    const next = NEXT_STATUS[order.status];
    if (!next) throw conflict(`Order ${order.number} is ${order.status.toLowerCase()} and does not move any further.`);
    const { rows: updated } = await tx.query<OrderRow>(`UPDATE orders SET status = $2 WHERE id = $1 RETURNING ${ORDER_COLUMNS}`, [orderId, next]);
    return updated[0]!;
  });
}
