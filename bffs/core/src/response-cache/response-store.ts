import type { Redis } from 'ioredis';

/** Where cached replies are kept: each an opaque text with a time to live, and the tags (entity ids) that can clear it. */
export interface ResponseStore {
  get(key: string): Promise<string | undefined>;
  /** Several at once (one round trip to Redis), in the order asked. */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  set(key: string, value: string, ttlMs: number, tags: readonly string[]): Promise<void>;
  /** Removes every entry with any of these tags; resolves with how many went. */
  invalidate(tags: readonly string[]): Promise<number>;
  /** Removes every entry (changes may have been missed). */
  clear(): Promise<void>;
}

/**
 * Replies in this process's memory, at most `maxEntries` (the least recently used go first;
 * `evicted` is told), each until its time to live runs out.
 */
export function memoryResponseStore(maxEntries: number, evicted: () => void = () => undefined, now: () => number = Date.now): ResponseStore {
  const entries = new Map<string, { value: string; expiresAt: number; tags: readonly string[] }>();
  const tagged = new Map<string, Set<string>>();
  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return false;
    entries.delete(key);
    for (const tag of entry.tags) {
      const keys = tagged.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) tagged.delete(tag);
    }
    return true;
  };
  const get = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      remove(key);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, entry);
    return entry.value;
  };
  return {
    get: async (key) => get(key),
    getMany: async (keys) => keys.map(get),
    set: async (key, value, ttlMs, tags) => {
      remove(key);
      entries.set(key, { value, expiresAt: now() + ttlMs, tags });
      for (const tag of tags) {
        let keys = tagged.get(tag);
        if (!keys) tagged.set(tag, (keys = new Set()));
        keys.add(key);
      }
      while (entries.size > maxEntries) {
        remove(entries.keys().next().value as string);
        evicted();
      }
    },
    invalidate: async (tags) => {
      let removed = 0;
      for (const tag of tags) for (const key of [...(tagged.get(tag) ?? [])]) if (remove(key)) removed += 1;
      return removed;
    },
    clear: async () => {
      entries.clear();
      tagged.clear();
    },
  };
}

/**
 * Replies in Redis, shared by every replica (Redis's own memory policy bounds them), each tag
 * a set of the keys it clears. A Redis that cannot answer is a miss, and a reply not stored:
 * never a failed request.
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
    getMany: async (keys) => {
      if (keys.length === 0) return [];
      try {
        return (await redis.mget(...keys.map((key) => `${keyPrefix}${key}`))).map((value) => value ?? undefined);
      } catch {
        return keys.map(() => undefined);
      }
    },
    set: async (key, value, ttlMs, tags) => {
      const ms = Math.max(1, Math.round(ttlMs));
      try {
        const batch = redis.multi().set(`${keyPrefix}${key}`, value, 'PX', ms);
        // Each tag's set of keys lives as long as the longest entry in it may.
        for (const tag of tags) batch.sadd(`${keyPrefix}tag:${tag}`, key).pexpire(`${keyPrefix}tag:${tag}`, ms, 'GT').pexpire(`${keyPrefix}tag:${tag}`, ms, 'NX');
        await batch.exec();
      } catch {
        // A reply not kept is only a later miss.
      }
    },
    invalidate: async (tags) => {
      let removed = 0;
      for (const tag of tags) {
        const tagKey = `${keyPrefix}tag:${tag}`;
        try {
          const keys = await redis.smembers(tagKey);
          removed += keys.length ? await redis.del(...keys.map((key) => `${keyPrefix}${key}`)) : 0;
          await redis.del(tagKey);
        } catch {
          // Redis cannot answer: its entries expire at their max-age.
        }
      }
      return removed;
    },
    // Shared entries are cleared by their tags and expire at their max-age; one replica's lost
    // channel does not empty every replica's cache.
    clear: async () => undefined,
  };
}
