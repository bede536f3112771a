import DataLoader from 'dataloader';
import { createPageLoader, manyPer, onePer, type PageKey } from '@subgraphs/kit';
import { type RequestDatabase } from '@bff/platform';
import { afterPosition } from './cursors';
import { categoriesByIds, categoriesBySlugs, productCountsByCategory, type CategoryRow } from './category-store';
import { imagesByProductIds, productPagesByCategory, productsByIds, productsBySkus, type ImageRow, type ProductRow } from './product-store';

export interface CatalogLoaders {
  productById: DataLoader<string, ProductRow | null>;
  productBySku: DataLoader<string, ProductRow | null>;
  imagesByProductId: DataLoader<string, ImageRow[]>;
  categoryById: DataLoader<string, CategoryRow | null>;
  categoryBySlug: DataLoader<string, CategoryRow | null>;
  productCountByCategoryId: DataLoader<string, number>;
  /** Rows of the page plus one, so the resolver can tell whether a next page exists. */
  productPageByCategory: DataLoader<PageKey, ProductRow[], string>;
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
    productPageByCategory: createPageLoader(
      (categoryIds, after, limit) => productPagesByCategory(db, categoryIds, { afterPosition: afterPosition(after), limit }),
      (row) => row.category_id,
    ),
  };
}
