import type { Redis } from 'ioredis';
import { memoryApqStore, type ApqStore } from './apq-store';
import { tieredApqStore } from './tiered-apq-store';

export interface RedisApqStoreOptions {
  /** Key prefix; includes the client's name so the web and mobile BFFs never share entries. */
  prefix: string;
  /** How long an entry lives after it was last registered. @default 7 days */
  ttlSeconds?: number;
  /** Where a Redis failure is reported. @default console.warn */
  log?: (line: string) => void;
}

const WEEK_SECONDS = 7 * 24 * 3600;

/**
 * Automatic persisted queries in Redis, so every replica of a BFF knows every hash any of
 * them has registered.
 *
 * Redis trouble never fails a request: a failed read is a miss (the client sends the query
 * text again, as the APQ protocol has it do anyway), and a failed write only means the next
 * replica misses too. Both are logged. Entries expire so that queries of app builds nobody
 * runs any more leave Redis by themselves.
 */
export function redisApqStore(redis: Redis, options: RedisApqStoreOptions): ApqStore {
  const ttl = options.ttlSeconds ?? WEEK_SECONDS;
  const log = options.log ?? console.warn;
  return {
    get: async (hash) => {
      try {
        return (await redis.get(options.prefix + hash)) ?? undefined;
      } catch (error) {
        log(`APQ store: Redis read failed, answering as a miss (${(error as Error).message})`);
        return undefined;
      }
    },
    set: async (hash, query) => {
      try {
        await redis.set(options.prefix + hash, query, 'EX', ttl);
      } catch (error) {
        log(`APQ store: Redis write failed, the query is served but not shared (${(error as Error).message})`);
      }
    },
  };
}

/**
 * The APQ store of a BFF whose replicas share Redis: this replica's memory in front of
 * Redis, under `bff:<client>:apq:` (or the given prefix).
 */
export function sharedApqStore(redis: Redis, client: string, options: Partial<RedisApqStoreOptions> = {}): ApqStore {
  return tieredApqStore(memoryApqStore(), redisApqStore(redis, { prefix: `bff:${client}:apq:`, ...options }));
}
