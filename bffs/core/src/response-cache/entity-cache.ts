import type { EntityCachePolicy } from '@bff/formats';
import type { DataChange } from '@bff/platform';
import type { VerifiedUser } from '../auth/authenticator';
import type { CachedEntity, EntityFetchCache } from '../gateway/plan-node-runner';
import { idTags } from './id-tags';
import { supergraphIds } from './supergraph-ids';
import { OPERATOR } from './invalidation-route';
import type { CacheOutcome } from './response-cache';
import type { ResponseStore } from './response-store';

/** An entity as it is kept: what the subgraph sent for one representation, and for how long from when. */
interface KeptEntity {
  data: unknown;
  storedAt: number;
  maxAge: number;
  scope: 'PUBLIC' | 'PRIVATE';
  /** Kept for the policy's default TTL (its subgraph sent no Cache-Control): a reply made from it says no-store, as the fetch's would have. */
  unadvertised?: true;
}

export interface EntityCache {
  /** The cache as one request's plan uses it: keys bound to its caller and the supergraph it is served from. */
  forRequest(caller: VerifiedUser | null, supergraph: string): EntityFetchCache;
  /** Clears every kept entity that is, or shows, one of these entities; resolves with how many went. */
  invalidate(change: DataChange): Promise<number>;
  /** Forgets every kept entity (changes may have been missed). */
  clear(): Promise<void>;
}

/**
 * A BFF's cache of entities fetched from subgraphs (the policy's `responseCache.entities`):
 * each `_entities` answer is kept per representation, so the next plan that needs the same
 * product's catalog fields or rating summary fetches only the products nobody asked for
 * lately. Keys hold the client, the supergraph served, what the fetch selects (its subgraph,
 * operation text and variables) and the representation:
 *
 * - an entity whose subgraph reply said PUBLIC is kept for every caller, signed in or not
 *   (the subgraph vouches that it depends on no one);
 * - one whose reply said PRIVATE is kept only under the verified caller's own id, and only
 *   with `privatePerUser`; otherwise it is not kept;
 * - each for its reply's max-age, at most the policy's `maxTtlSeconds` (a subgraph that sends
 *   no Cache-Control at all: the policy's `defaultTtlSeconds`, if any); never an entity from a
 *   reply with errors.
 *
 * A root-field fetch (no representations) is kept the same way, its whole reply as one entry.
 *
 * Entries are tagged with the ids they show, and with the subgraph they came from; a subgraph's
 * announced change clears that subgraph's entries of those ids at once on every replica. A request that began before any change was announced keeps nothing it
 * fetched: what it read may be from before the change.
 */
export function createEntityCache(
  policy: EntityCachePolicy,
  privatePerUser: boolean,
  clientName: string,
  store: ResponseStore,
  counted: (outcome: CacheOutcome) => void,
  now: () => number = Date.now,
): EntityCache {
  const supergraphId = supergraphIds();
  let changesSeen = 0;
  return {
    forRequest: (caller, supergraph) => {
      const prefix = `${clientName}:${supergraphId(supergraph)}:`;
      const own = caller && privatePerUser ? `user:${caller.id}` : undefined;
      const changesAtStart = changesSeen;
      const keyOf = (fetchKey: string, representation: unknown) => `${prefix}${fetchKey}:${JSON.stringify(representation)}`;
      return {
        lookup: async (fetchKey, representations) => {
          const keys = representations.map((representation) => keyOf(fetchKey, representation));
          const texts = await store.getMany(own ? [...keys.map((key) => `${key}:public`), ...keys.map((key) => `${key}:${own}`)] : keys.map((key) => `${key}:public`));
          const at = now();
          return keys.map((_, index) => {
            const found = fresh(texts[index], at) ?? (own ? fresh(texts[keys.length + index], at) : undefined);
            counted(found ? 'hit' : 'miss');
            return found;
          });
        },
        store: async (subgraph, fetchKey, representations, entities, hint) => {
          if (changesSeen !== changesAtStart || hint === undefined) return;
          // No Cache-Control at all: the policy's default TTL, if it has one.
          const given = hint ?? (policy.defaultTtlSeconds ? { maxAge: policy.defaultTtlSeconds, scope: 'PUBLIC' as const } : undefined);
          if (!given || given.maxAge <= 0) return;
          const scope = given.scope ?? 'PUBLIC';
          if (scope === 'PRIVATE' && !own) return;
          const who = scope === 'PUBLIC' ? 'public' : own!;
          const maxAge = Math.min(given.maxAge, policy.maxTtlSeconds);
          const storedAt = now();
          // Written out before anything awaits: the plan goes on to merge (and rewrite) these objects.
          const writes = representations.flatMap((representation, index) => {
            const data = entities[index];
            if (data === null || data === undefined) return [];
            const kept: KeptEntity = { data, storedAt, maxAge, scope, ...(hint ? {} : { unadvertised: true as const }) };
            const ids = idTags(representation, data);
            return [{ key: `${keyOf(fetchKey, representation)}:${who}`, value: JSON.stringify(kept), tags: [...ids, ...ids.map((tag) => `${subgraph}/${tag}`)] }];
          });
          await Promise.all(writes.map(({ key, value, tags }) => store.set(key, value, maxAge * 1000, tags)));
          for (let i = 0; i < writes.length; i++) counted('stored');
        },
      };
    },
    invalidate: async (change) => {
      changesSeen += 1;
      // A subgraph's change clears what came from that subgraph (stock reserved at inventory
      // leaves the product's catalog fields kept); an operator's clears what came from any.
      const scope = change.subgraph === OPERATOR ? '' : `${change.subgraph}/`;
      const removed = await store.invalidate(change.ids.map((id) => `${scope}id:${id}`));
      for (let i = 0; i < removed; i++) counted('invalidated');
      return removed;
    },
    clear: async () => {
      changesSeen += 1;
      await store.clear();
    },
  };
}

/** A kept entity still within its max-age, with what is left of it. */
function fresh(text: string | undefined, at: number): CachedEntity | undefined {
  if (!text) return undefined;
  const kept = JSON.parse(text) as KeptEntity;
  const age = Math.floor((at - kept.storedAt) / 1000);
  if (age >= kept.maxAge) return undefined;
  return { data: kept.data as Record<string, unknown>, maxAge: kept.unadvertised ? 0 : kept.maxAge - age, scope: kept.scope };
}
