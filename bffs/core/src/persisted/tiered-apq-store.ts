import type { ApqStore } from './apq-store';

/**
 * A fast local store in front of a shared one. Safe without any invalidation because an
 * entry never changes: the key is the sha256 of the value. A hit in the local store saves
 * the round trip to Redis; a miss there asks Redis and keeps the answer.
 */
export function tieredApqStore(local: ApqStore, shared: ApqStore): ApqStore {
  return {
    get: async (hash) => {
      const known = await local.get(hash);
      if (known !== undefined) return known;
      const fetched = await shared.get(hash);
      if (fetched !== undefined) await local.set(hash, fetched);
      return fetched;
    },
    set: async (hash, query) => {
      await local.set(hash, query);
      await shared.set(hash, query);
    },
  };
}
