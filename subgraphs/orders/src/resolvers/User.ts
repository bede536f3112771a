import { forbidden } from '@bff/platform';
import { type PageArgs } from '@subgraphs/kit';
import { requireUser, type OrdersContext } from '../context';
import { orderConnection } from './order-connection';

export const User = {
  __resolveReference: (reference: { id: string }) => reference,
  orders: (user: { id: string }, args: PageArgs, context: OrdersContext) => {
    const caller = requireUser(context, 'orders:read');
    if (caller.id !== user.id) throw forbidden("You may only read your own orders.");
    return orderConnection(user.id, args, context);
  },
};
