import DataLoader from 'dataloader';
import { groupByPage, manyPer, onePer, type RequestDatabase } from '@subgraphs/kit';
import { categoriesByIds, categoriesBySlugs, productCountsByCategory, type CategoryRow } from './category-store';
import { imagesByProductIds, productPagesByCategory, productsByIds, productsBySkus, type ImageRow, type ProductRow } from './product-store';

/** A page request of one category's products: `first` rows after catalog position `after`. */
export interface CategoryPageKey {
  categoryId: string;
  first: number;
  after: string | null;
  afterPosition: number;
}

export interface CatalogLoaders {
  productById: DataLoader<string, ProductRow | null>;
  productBySku: DataLoader<string, ProductRow | null>;
  imagesByProductId: DataLoader<string, ImageRow[]>;
  categoryById: DataLoader<string, CategoryRow | null>;
  categoryBySlug: DataLoader<string, CategoryRow | null>;
  productCountByCategoryId: DataLoader<string, number>;
  /** Rows of the page plus one, so the resolver can tell whether a next page exists. */
  productPageByCategory: DataLoader<CategoryPageKey, ProductRow[], string>;
}

export function createCatalogLoaders(db: RequestDatabase): CatalogLoaders {
  return {
    productById: new DataLoader(async (ids) => onePer(ids, await productsByIds(db, ids), (r) => r.id)),
    productBySku: new DataLoader(async (skus) => onePer(skus, await productsBySkus(db, skus), (r) => r.sku)),
    imagesByProductId: new DataLoader(async (ids) => manyPer(ids, await imagesByProductIds(db, ids), (r) => r.product_id)),
    categoryById: new DataLoader(async (ids) => onePer(ids, await categoriesByIds(db, ids), (r) => r.id)),
    categoryBySlug: new DataLoader(async (slugs) => onePer(slugs, await categoriesBySlugs(db, slugs), (r) => r.slug)),
    productCountByCategoryId: new DataLoader(async (ids) => {
      const counts = await productCountsByCategory(db, ids);
      return onePer(ids, counts, (r) => r.category_id).map((row) => row?.count ?? 0);
    }),
    productPageByCategory: new DataLoader(
      async (keys) => {
        const pages = new Map<CategoryPageKey, ProductRow[]>();
        // Keys asking for the same page window share one statement.
        await Promise.all(
          [...groupByPage(keys).values()].map(async (group) => {
            const { first, afterPosition } = group[0]!;
            const ids = group.map((k) => k.categoryId);
            const rows = await productPagesByCategory(db, ids, { afterPosition, limit: first + 1 });
            const perCategory = manyPer(ids, rows, (r) => r.category_id);
            group.forEach((key, i) => pages.set(key, perCategory[i]!));
          }),
        );
        return keys.map((key) => pages.get(key)!);
      },
      { cacheKeyFn: (key) => `${key.categoryId}|${key.first}|${key.after ?? ''}` },
    ),
  };
}
