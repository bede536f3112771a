import type { PageArgs } from '@subgraphs/kit';
import { requireUser, type OrdersContext } from '../context';
import { orderConnection } from './order-connection';

export const Query = {
  myOrders: (_: unknown, args: PageArgs, context: OrdersContext) =>
    orderConnection(requireUser(context, 'orders:read').id, args, context),
  order: async (_: unknown, args: { id: string }, context: OrdersContext) => {
    const user = requireUser(context, 'orders:read');
    const order = await context.loaders.orderById.load(args.id);
    return order && order.user_id === user.id ? order : null;
  },
};
