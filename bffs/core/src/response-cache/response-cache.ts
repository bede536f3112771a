import { sha256Hex, type ResponseCachePolicy } from '@bff/formats';
import type { DataChange } from '@bff/platform';
import type { VerifiedUser } from '../auth/authenticator';
import type { AdmittedOperation } from '../gate/operation-gate';
import { idTags } from './id-tags';
import { supergraphIds } from './supergraph-ids';
import type { ResponseStore } from './response-store';

/** A reply as it is kept: what the client got, and for how long from when. */
interface CachedReply {
  body: string;
  /** `max-age=N, public|private`, as the reply first said it. */
  cacheControl: string;
  storedAt: number;
  maxAge: number;
}

/** What the cache needs of one answered operation. */
export interface AnsweredOperation {
  status: number;
  body: string;
  /** The cache hint the subgraphs' replies allow (none or 0: not kept). */
  cacheHint?: { maxAge: number; scope: 'PUBLIC' | 'PRIVATE' };
}

export type CacheOutcome = 'hit' | 'miss' | 'stored' | 'evicted' | 'invalidated';

export interface ResponseCache {
  /** The kept reply of this operation for this caller, with its Cache-Control aged. */
  lookup(operation: AdmittedOperation, caller: VerifiedUser | null, supergraph: string): Promise<{ body: string; cacheControl: string } | undefined>;
  /** Keeps a reply if its hints and the policy allow it, tagged with the ids of the entities in it. */
  store(operation: AdmittedOperation, caller: VerifiedUser | null, supergraph: string, answer: AnsweredOperation): Promise<void>;
  /** Clears every kept reply that shows any of these entities (a subgraph announced they changed); resolves with how many went. */
  invalidate(change: DataChange): Promise<number>;
  /** Forgets every kept reply (changes may have been missed). */
  clear(): Promise<void>;
}

/**
 * A BFF's cache of whole query replies (the policy's `responseCache`), keyed by the client,
 * the supergraph served (a swap starts afresh), the operation's text and its variables, and,
 * for a signed-in caller, by who they are:
 *
 * - an anonymous caller's reply is kept for everyone when every subgraph's hint says PUBLIC;
 * - a signed-in caller's reply is kept only under their own key (`privatePerUser`), whatever
 *   the hints, so nothing computed for one user is ever served to another;
 * - each for the subgraphs' max-age, at most the policy's `maxTtlSeconds`; never a reply with errors.
 *
 * A signed-in caller is served an anonymous caller's reply (it depends on no one), else their own.
 * Replies are tagged with the ids of the entities they show, and a subgraph's announcement that
 * entities changed (`DataChanges` in platform) clears them at once, on every replica.
 */
export function createResponseCache(policy: ResponseCachePolicy, clientName: string, store: ResponseStore, counted: (outcome: CacheOutcome) => void, now: () => number = Date.now): ResponseCache {
  const supergraphId = supergraphIds();
  // A miss looks up and then stores under the same key: the operation's part is worked out once per request.
  const operationKeys = new WeakMap<AdmittedOperation, string>();
  const keyOf = (operation: AdmittedOperation, supergraph: string, who: string) => {
    let key = operationKeys.get(operation);
    if (key === undefined) {
      key = `${clientName}:${supergraphId(supergraph)}:${operation.queryHash}:${operation.definition.name?.value ?? operation.request.operationName ?? ''}:${sha256Hex(stableJson(operation.request.variables ?? {}))}`;
      operationKeys.set(operation, key);
    }
    return `${key}:${who}`;
  };
  const read = async (key: string): Promise<{ body: string; cacheControl: string } | undefined> => {
    const text = await store.get(key);
    if (!text) return undefined;
    const kept = JSON.parse(text) as CachedReply;
    const age = Math.floor((now() - kept.storedAt) / 1000);
    if (age >= kept.maxAge) return undefined;
    return { body: kept.body, cacheControl: kept.cacheControl.replace(/max-age=\d+/, `max-age=${kept.maxAge - age}`) };
  };
  // A reply computed while a change was announced may show data from before it: not kept.
  let changesSeen = 0;
  const changesAtLookup = new WeakMap<AdmittedOperation, number>();
  return {
    lookup: async (operation, caller, supergraph) => {
      changesAtLookup.set(operation, changesSeen);
      const found = (await read(keyOf(operation, supergraph, 'public'))) ?? (caller && policy.privatePerUser ? await read(keyOf(operation, supergraph, `user:${caller.id}`)) : undefined);
      counted(found ? 'hit' : 'miss');
      return found;
    },
    store: async (operation, caller, supergraph, answer) => {
      const hint = answer.cacheHint;
      if (answer.status !== 200 || !hint || hint.maxAge <= 0 || answer.body.startsWith('{"errors"')) return;
      if (changesAtLookup.get(operation) !== changesSeen) return;
      let who: string;
      if (!caller) {
        if (hint.scope === 'PRIVATE') return;
        who = 'public';
      } else {
        if (!policy.privatePerUser) return;
        who = `user:${caller.id}`;
      }
      const maxAge = Math.min(hint.maxAge, policy.maxTtlSeconds);
      const kept: CachedReply = { body: answer.body, cacheControl: `max-age=${maxAge}, ${who === 'public' ? 'public' : 'private'}`, storedAt: now(), maxAge };
      await store.set(keyOf(operation, supergraph, who), JSON.stringify(kept), maxAge * 1000, idTags((JSON.parse(answer.body) as { data?: unknown }).data));
      counted('stored');
    },
    invalidate: async (change) => {
      changesSeen += 1;
      const removed = await store.invalidate(change.ids.map((id) => `id:${id}`));
      for (let i = 0; i < removed; i++) counted('invalidated');
      return removed;
    },
    clear: () => {
      changesSeen += 1;
      return store.clear();
    },
  };
}

/** JSON with object keys sorted, so the same variables make the same key in any order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
