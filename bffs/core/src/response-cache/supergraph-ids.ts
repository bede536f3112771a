import { sha256Hex } from '@bff/formats';

/**
 * A short id per supergraph text, for cache keys (a swapped supergraph starts afresh), hashed
 * once per text: a BFF serves one supergraph at a time, and a few after swaps.
 */
export function supergraphIds(): (sdl: string) => string {
  const ids = new Map<string, string>();
  return (sdl) => {
    let id = ids.get(sdl);
    if (!id) {
      if (ids.size > 8) ids.clear();
      ids.set(sdl, (id = sha256Hex(sdl).slice(0, 16)));
    }
    return id;
  };
}
