import { LruCache } from '../gate/lru-cache';

/**
 * Where automatic persisted queries live between requests: hash → query text. In memory
 * by default; Redis (shared by replicas) when REDIS_URL is set (issue 5).
 */
export interface ApqStore {
  get(hash: string): Promise<string | undefined>;
  set(hash: string, query: string): Promise<void>;
}

export function memoryApqStore(capacity = 10_000): ApqStore {
  const cache = new LruCache<string, string>(capacity);
  return {
    get: async (hash) => cache.get(hash),
    set: async (hash, query) => cache.set(hash, query),
  };
}
