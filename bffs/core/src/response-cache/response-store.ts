import type { Redis } from 'ioredis';

/** Where cached replies are kept: each an opaque text with a time to live. */
export interface ResponseStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/**
 * Replies in this process's memory, at most `maxEntries` (the least recently used go first;
 * `evicted` is told), each until its time to live runs out.
 */
export function memoryResponseStore(maxEntries: number, evicted: () => void = () => undefined, now: () => number = Date.now): ResponseStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  return {
    get: async (key) => {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set: async (key, value, ttlMs) => {
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttlMs });
      while (entries.size > maxEntries) {
        entries.delete(entries.keys().next().value as string);
        evicted();
      }
    },
  };
}

/**
 * Replies in Redis, shared by every replica (Redis's own memory policy bounds them). A Redis
 * that cannot answer is a miss, and a reply not stored: never a failed request.
 */
export function redisResponseStore(redis: Redis, keyPrefix: string): ResponseStore {
  return {
    get: async (key) => {
      try {
        return (await redis.get(`${keyPrefix}${key}`)) ?? undefined;
      } catch {
        return undefined;
      }
    },
    set: async (key, value, ttlMs) => {
      try {
        await redis.set(`${keyPrefix}${key}`, value, 'PX', Math.max(1, Math.round(ttlMs)));
      } catch {
        // A reply not kept is only a later miss.
      }
    },
  };
}
