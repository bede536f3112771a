import { conflict, notFound, type RequestDatabase } from '@bff/platform';
import type { InventoryClient } from '../inventory/inventory-client';
import { returnStock } from '../inventory/order-stock';
import { ORDER_COLUMNS, type OrderRow } from './order-store';

/**
 * Cancels one of the user's orders unless it has shipped, and gives its stock back to
 * inventory; cancelling twice is a no-op.
 *
 * The stock is released under the order's row lock, before the new status commits: if
 * inventory cannot be reached the cancel fails whole (SERVICE_UNAVAILABLE, order unchanged)
 * and can simply be retried, and a concurrent cancel waits for the lock, then finds the order
 * cancelled and releases nothing. Inventory releases a reservation once in any case.
 */
export async function cancelOrder(db: RequestDatabase, inventory: InventoryClient, userId: string, orderId: string): Promise<OrderRow> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND user_id = $2 FOR UPDATE`,
      [orderId, userId],
    );
    const order = rows[0];
    // Someone else's order is reported exactly like a missing one: its existence is not ours to reveal.
    if (!order) throw notFound(`No order "${orderId}" among your orders.`);
    if (order.status === 'CANCELLED') return order;
    if (order.status !== 'PLACED') {
      throw conflict(`Order ${order.number} is ${order.status.toLowerCase()} and can no longer be cancelled.`);
    }
    // Orders from before stock was reserved (the seed) hold no reservation: nothing to give back.
    if (order.reservation_id) await returnStock(inventory, order.reservation_id, order.number);
    const { rows: updated } = await tx.query<OrderRow>(
      `UPDATE orders SET status = 'CANCELLED', cancelled_at = $2 WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
      [orderId, new Date()],
    );
    return updated[0]!;
  });
}
