import DataLoader from 'dataloader';
import { manyPer } from './batch';

/** One owner's page of a child list: `first` items after cursor `after`. */
export interface PageKey {
  ownerId: string;
  first: number;
  after: string | null;
}

/**
 * A DataLoader for paginated child lists (a product's reviews, a category's products, a
 * user's orders). Keys that ask for the same window (`first`, `after`) are answered by one
 * statement for all their owners, so a list of 100 products costs as many statements as a
 * list of 5. Each key gets `first + 1` rows at most; the extra row tells the resolver that
 * a next page exists (see `toConnection`).
 *
 * `fetchPages` must return at most `limit` rows per owner, in page order; the resolver
 * validates `after` before it calls `load`, so `fetchPages` may assume it is well-formed.
 */
export function createPageLoader<Row>(
  fetchPages: (ownerIds: readonly string[], after: string | null, limit: number) => Promise<Row[]>,
  ownerOf: (row: Row) => string,
): DataLoader<PageKey, Row[], string> {
  return new DataLoader<PageKey, Row[], string>(
    async (keys) => {
      const windows = new Map<string, PageKey[]>();
      for (const key of keys) {
        const window = `${key.first}|${key.after ?? ''}`;
        const group = windows.get(window);
        if (group) group.push(key);
        else windows.set(window, [key]);
      }
      const pages = new Map<PageKey, Row[]>();
      await Promise.all(
        [...windows.values()].map(async (group) => {
          const { first, after } = group[0]!;
          const ownerIds = [...new Set(group.map((k) => k.ownerId))];
          const rows = await fetchPages(ownerIds, after, first + 1);
          const perOwner = manyPer(ownerIds, rows, ownerOf);
          const byOwner = new Map(ownerIds.map((id, i) => [id, perOwner[i]!]));
          for (const key of group) pages.set(key, byOwner.get(key.ownerId)!);
        }),
      );
      return keys.map((key) => pages.get(key)!);
    },
    { cacheKeyFn: (key) => `${key.ownerId}|${key.first}|${key.after ?? ''}` },
  );
}
