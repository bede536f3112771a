import { pageSize, toConnection, type PageArgs } from '@subgraphs/kit';
import type { OrdersContext } from '../context';
import { afterOrder, orderCursor } from '../data/cursors';

/** `Query.myOrders` and `User.orders`: one user's orders, newest first. */
export async function orderConnection(userId: string, args: PageArgs, context: OrdersContext) {
  const first = pageSize(args.first, 10);
  const after = args.after ?? null;
  afterOrder(after); // a malformed cursor fails this field with BAD_USER_INPUT, not the batch
  const rows = await context.loaders.orderPageByUser.load({ ownerId: userId, first, after });
  return toConnection(rows, first, orderCursor, (row) => row);
}
