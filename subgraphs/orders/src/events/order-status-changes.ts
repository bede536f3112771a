import { notFound, pushedEvents, type RequestUser } from '@bff/platform';
import type { OrdersContext } from '../context';
import { ORDER_COLUMNS, type OrderRow } from '../data/order-store';

/** How far along an order is: its status only moves forward (a cancelled order is as final as a delivered one). */
const STEP: Record<OrderRow['status'], number> = { PLACED: 0, SHIPPED: 1, DELIVERED: 2, CANCELLED: 2 };

const FINAL_STEP = 2;

/** Changes a slow subscriber may have waiting before it is ended (an order has at most two). */
const MAX_WAITING = 16;

/**
 * One user's order as it is now, then each time its status moves forward. The first event
 * lets a client (and a test) know it is following from that state on; listening starts
 * before the order is read, so a change between the two is not lost; a change announced
 * twice, or late (after a later one), is not a step forward and is dropped, which is what
 * keeps the changes in order whatever way they travelled. Someone else's order is reported
 * like a missing one.
 */
export async function orderStatusChanges(context: OrdersContext, user: RequestUser, orderId: string): Promise<AsyncIterableIterator<OrderRow>> {
  const changes = pushedEvents<OrderRow>(() => unfollow());
  const unfollow = await context.services.events.follow(context.db, (order) => {
    if (order.id !== orderId) return;
    changes.push(order);
    if (changes.waiting() > MAX_WAITING) changes.end();
  });
  let current: OrderRow | undefined;
  try {
    [current] = (await context.db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [orderId])).rows;
  } catch (error) {
    await changes.events.return!();
    throw error;
  }
  if (!current || current.user_id !== user.id) {
    await changes.events.return!();
    throw notFound(`No order "${orderId}" among your orders.`);
  }
  const now = current;
  const forward = (async function* (): AsyncGenerator<OrderRow> {
    yield now;
    let step = STEP[now.status];
    // Delivered or cancelled: nothing follows, so the subscription ends.
    if (step === FINAL_STEP) return;
    for await (const order of changes.events) {
      if (STEP[order.status] <= step) continue;
      step = STEP[order.status];
      yield order;
      if (step === FINAL_STEP) return;
    }
  })();
  const iterator: AsyncIterableIterator<OrderRow> = {
    next: () => forward.next(),
    // Ends the wait for the next change first: a generator waiting inside cannot return before it wakes.
    return: async () => {
      await changes.events.return!();
      return forward.return(undefined);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
