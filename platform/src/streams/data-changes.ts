import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';

/** Some entities of one type changed in one subgraph (stock reserved, a review written). */
export interface DataChange {
  subgraph: string;
  typename: string;
  ids: string[];
}

/**
 * How subgraphs tell the BFFs that data changed, so that what the BFFs keep (their response
 * caches) follows the data: through Redis pub/sub with `REDIS_URL`, so that every replica of
 * every BFF hears every change; within one process otherwise (the services of a test, or of
 * one process; BFFs in other processes hear nothing without Redis).
 */
export interface DataChanges {
  publish(change: DataChange): Promise<void>;
  /**
   * Calls `onChange` with every change from now on, and `onGap` when changes may have been
   * missed (the channel was lost and is back: whatever was kept may be stale); returns the
   * function that stops.
   */
  subscribe(onChange: (change: DataChange) => void, onGap?: () => void): () => void;
  close(): Promise<void>;
}

/** The Redis channel of data changes. */
export const DATA_CHANGES_CHANNEL = 'bff:data-changes';

const processChanges = new EventEmitter().setMaxListeners(0);

/** Changes within this process: what a subgraph publishes, a BFF in the same process hears. */
export function inProcessDataChanges(): DataChanges {
  return {
    publish: async (change) => void processChanges.emit('change', change),
    subscribe: (onChange) => {
      processChanges.on('change', onChange);
      return () => processChanges.off('change', onChange);
    },
    close: async () => undefined,
  };
}

/**
 * Changes through Redis pub/sub. Publishing and subscribing use connections of their own,
 * opened on first use; a change published while Redis cannot answer is lost (logged), never a
 * failed write: what a BFF keeps still expires at its max-age.
 */
export function redisDataChanges(url: string, log: (line: string) => void = console.warn): DataChanges {
  let publisher: Redis | undefined;
  let subscriber: Redis | undefined;
  const listeners = new Set<(change: DataChange) => void>();
  const gaps = new Set<() => void>();
  const connection = () => {
    const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
    redis.on('error', () => undefined);
    return redis;
  };
  return {
    publish: async (change) => {
      publisher ??= connection();
      try {
        await publisher.publish(DATA_CHANGES_CHANNEL, JSON.stringify(change));
      } catch (error) {
        log(`data change not announced (${(error as Error).message}): ${change.subgraph} ${change.typename} ${change.ids.join(', ')}`);
      }
    },
    subscribe: (onChange, onGap) => {
      if (!subscriber) {
        subscriber = connection();
        let readyBefore = false;
        // ioredis subscribes again after a reconnect; what was published in between was missed.
        subscriber.on('ready', () => {
          if (readyBefore) for (const gap of gaps) gap();
          readyBefore = true;
        });
        subscriber.on('message', (_channel: string, message: string) => {
          let change: DataChange;
          try {
            change = JSON.parse(message) as DataChange;
          } catch {
            return;
          }
          if (!Array.isArray(change.ids)) return;
          for (const listener of listeners) listener(change);
        });
        subscriber.subscribe(DATA_CHANGES_CHANNEL).catch((error: Error) => log(`not hearing data changes (${error.message})`));
      }
      listeners.add(onChange);
      if (onGap) gaps.add(onGap);
      return () => {
        listeners.delete(onChange);
        if (onGap) gaps.delete(onGap);
      };
    },
    close: async () => {
      listeners.clear();
      gaps.clear();
      subscriber?.disconnect();
      publisher?.disconnect();
      subscriber = publisher = undefined;
    },
  };
}

/** Redis with `REDIS_URL`, this process otherwise. */
export function dataChangesFor(redisUrl: string | undefined, log?: (line: string) => void): DataChanges {
  return redisUrl ? redisDataChanges(redisUrl, log) : inProcessDataChanges();
}
