import { money } from '@bff/formats';
import type { OrdersContext } from '../context';
import type { OrderRow } from '../data/order-store';

export const Order = {
  // Entity lookups honour ownership too: another user's order resolves to null.
  __resolveReference: async (reference: { id: string }, context: OrdersContext) => {
    const order = await context.loaders.orderById.load(reference.id);
    return order && context.user && order.user_id === context.user.id ? order : null;
  },
  placedAt: (order: OrderRow) => order.placed_at,
  cancelledAt: (order: OrderRow) => order.cancelled_at,
  customer: (order: OrderRow) => ({ id: order.user_id }),
  lines: (order: OrderRow, _args: unknown, context: OrdersContext) => context.loaders.linesByOrderId.load(order.id),
  itemCount: async (order: OrderRow, _args: unknown, context: OrdersContext) =>
    (await context.loaders.linesByOrderId.load(order.id)).reduce((sum, line) => sum + line.quantity, 0),
  subtotal: (order: OrderRow) => money(order.subtotal_cents, order.currency),
  shipping: (order: OrderRow) => money(order.shipping_cents, order.currency),
  total: (order: OrderRow) => money(order.subtotal_cents + order.shipping_cents, order.currency),
};
