import { requireUser, type OrdersContext } from '../context';
import type { OrderRow } from '../data/order-store';
import { orderStatusChanges } from '../events/order-status-changes';

export const Subscription = {
  orderStatusChanged: {
    subscribe: (_: unknown, args: { id: string }, context: OrdersContext) => orderStatusChanges(context, requireUser(context, 'orders:read'), args.id),
    resolve: (order: OrderRow) => order,
  },
};
