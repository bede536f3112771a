import { Redis } from 'ioredis';
import { Followers, orderToMessage, type OrderEvents } from './order-events';

/** The Redis pub/sub channel of order changes. */
export const REDIS_ORDER_CHANGES_CHANNEL = 'orders:status-changed';

/**
 * Order changes through Redis pub/sub, for replicas that share a Redis (`REDIS_URL`). A
 * subscribed Redis connection can do nothing else, so publishing has its own; both connect
 * on first use and reconnect by themselves (ioredis subscribes again after a reconnect).
 * A change published while Redis is unreachable is not delivered: the subscriber sees the
 * next one (the status only moves forward, see order-status-changes.ts).
 */
export function redisOrderEvents(url: string): OrderEvents {
  const followers = new Followers();
  let publisher: Redis | undefined;
  let subscriber: Promise<Redis> | undefined;
  const connection = () => {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    // Errors are the reconnect's business; an unhandled 'error' event would end the process.
    redis.on('error', () => undefined);
    return redis;
  };
  return {
    published: async (_db, order) => {
      publisher ??= connection();
      await publisher.publish(REDIS_ORDER_CHANGES_CHANNEL, orderToMessage(order));
    },
    follow: async (_db, onChange) => {
      subscriber ??= (async () => {
        const redis = connection();
        redis.on('message', (_channel: string, message: string) => followers.deliver(message));
        await redis.subscribe(REDIS_ORDER_CHANGES_CHANNEL);
        return redis;
      })().catch((error: unknown) => {
        subscriber = undefined;
        throw error;
      });
      await subscriber;
      return followers.add(onChange);
    },
    close: async () => {
      followers.clear();
      const redis = await subscriber?.catch(() => undefined);
      subscriber = undefined;
      redis?.disconnect();
      publisher?.disconnect();
      publisher = undefined;
    },
  };
}
