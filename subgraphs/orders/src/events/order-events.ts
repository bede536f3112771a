import type { RequestDatabase } from '@bff/platform';
import type { OrderRow } from '../data/order-store';

/**
 * Where changes of an order's status travel, so that every replica of orders sees every
 * change, whichever replica made it: Redis pub/sub when `REDIS_URL` is set
 * (redis-order-events.ts), else the database's own `LISTEN/NOTIFY`
 * (database-order-events.ts), which with embedded PGlite is a channel inside the process.
 */
export interface OrderEvents {
  /** Announces an order's new state; called once the change has committed. */
  published(db: RequestDatabase, order: OrderRow): Promise<void>;
  /** Calls `onChange` with every order change announced from now on (any order); resolves with the function that stops. */
  follow(db: RequestDatabase, onChange: (order: OrderRow) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** An order as it travels: its row in JSON (dates as ISO strings). */
export function orderToMessage(order: OrderRow): string {
  return JSON.stringify(order);
}

/** The row back from its message; undefined for a message that is not one (another writer on the channel). */
export function orderFromMessage(message: string): OrderRow | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  const row = parsed as Partial<Record<keyof OrderRow, unknown>> | null;
  if (!row || typeof row.id !== 'string' || typeof row.status !== 'string' || typeof row.placed_at !== 'string') return undefined;
  return { ...(row as unknown as OrderRow), placed_at: new Date(row.placed_at), cancelled_at: typeof row.cancelled_at === 'string' ? new Date(row.cancelled_at) : null };
}

/** This process's followers of order changes: each message from the channel goes to every one. */
export class Followers {
  private readonly followers = new Set<(order: OrderRow) => void>();

  add(onChange: (order: OrderRow) => void): () => Promise<void> {
    this.followers.add(onChange);
    return async () => {
      this.followers.delete(onChange);
    };
  }

  deliver(message: string): void {
    const order = orderFromMessage(message);
    if (order) for (const follower of this.followers) follower(order);
  }

  clear(): void {
    this.followers.clear();
  }
}
