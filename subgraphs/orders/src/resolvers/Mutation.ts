import { requireUser, type OrdersContext } from '../context';
import { advanceOrder } from '../data/advance-order';
import { cancelOrder } from '../data/cancel-order';
import type { OrderRow } from '../data/order-store';
import { placeOrder } from '../data/place-order';

interface PlaceOrderArgs {
  input: { idempotencyKey: string; lines: { productId: string; quantity: number }[] };
}

/** Announces a committed status change to whoever follows the order (every replica's subscribers). */
async function announced(context: OrdersContext, order: OrderRow): Promise<OrderRow> {
  await context.services.events.published(context.db, order);
  return order;
}

export const Mutation = {
  placeOrder: (_: unknown, { input }: PlaceOrderArgs, context: OrdersContext) =>
    placeOrder(context.db, context.services.inventory.forRequest(context.telemetry), {
      userId: requireUser(context, 'orders:write').id,
      idempotencyKey: input.idempotencyKey,
      lines: input.lines,
    }),
  cancelOrder: async (_: unknown, args: { id: string }, context: OrdersContext) =>
    announced(context, await cancelOrder(context.db, context.services.inventory.forRequest(context.telemetry), requireUser(context, 'orders:write').id, args.id)),
  advanceOrder: async (_: unknown, args: { id: string }, context: OrdersContext) => {
    requireUser(context, 'orders:fulfil');
    return announced(context, await advanceOrder(context.db, args.id));
  },
};
