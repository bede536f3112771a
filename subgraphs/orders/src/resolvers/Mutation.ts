import { requireUser, type OrdersContext } from '../context';
import { cancelOrder } from '../data/cancel-order';
import { placeOrder } from '../data/place-order';

interface PlaceOrderArgs {
  input: { idempotencyKey: string; lines: { productId: string; quantity: number }[] };
}

export const Mutation = {
  placeOrder: (_: unknown, { input }: PlaceOrderArgs, context: OrdersContext) =>
    placeOrder(context.db, context.services.inventory.forRequest(context.telemetry), {
      userId: requireUser(context, 'orders:write').id,
      idempotencyKey: input.idempotencyKey,
      lines: input.lines,
    }),
  cancelOrder: (_: unknown, args: { id: string }, context: OrdersContext) =>
    cancelOrder(context.db, context.services.inventory.forRequest(context.telemetry), requireUser(context, 'orders:write').id, args.id),
};
