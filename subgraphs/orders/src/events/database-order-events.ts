import type { RequestDatabase } from '@bff/platform';
import { Followers, orderToMessage, type OrderEvents } from './order-events';

/** The NOTIFY channel of order changes (a PostgreSQL identifier: lower case, no quoting needed). */
export const ORDER_CHANGES_CHANNEL = 'orders_status_changed';

/**
 * Order changes through the database's `NOTIFY`: on PostgreSQL every replica listening on
 * the same database hears them; on embedded PGlite (one process owns the data directory)
 * they stay in the process. One `LISTEN` per process, shared by every follower.
 */
export function databaseOrderEvents(): OrderEvents {
  const followers = new Followers();
  let listening: Promise<() => Promise<void>> | undefined;
  return {
    published: async (db, order) => {
      await db.query('SELECT pg_notify($1, $2)', [ORDER_CHANGES_CHANNEL, orderToMessage(order)]);
    },
    follow: async (db: RequestDatabase, onChange) => {
      listening ??= db
        .listen(ORDER_CHANGES_CHANNEL, (message) => followers.deliver(message))
        .catch((error: unknown) => {
          listening = undefined;
          throw error;
        });
      await listening;
      return followers.add(onChange);
    },
    close: async () => {
      followers.clear();
      const stop = await listening?.catch(() => undefined);
      listening = undefined;
      await stop?.();
    },
  };
}
