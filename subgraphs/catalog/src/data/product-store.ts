import type { Queryable } from '@bff/platform';

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  rich_description: string;
  price_cents: number;
  currency: string;
  weight_grams: number;
  shipping_class: string;
  category_id: string;
  position: number;
  created_at: Date;
}

export interface ImageRow {
  id: string;
  product_id: string;
  position: number;
  path: string;
  width: number;
  height: number;
  alt: string;
}

const PRODUCT_COLUMNS =
  'id, sku, name, description, rich_description, price_cents, currency, weight_grams, shipping_class, category_id, position, created_at';

export async function productsByIds(db: Queryable, ids: readonly string[]): Promise<ProductRow[]> {
  const { rows } = await db.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1::text[])`, [ids]);
  return rows;
}

export async function productsBySkus(db: Queryable, skus: readonly string[]): Promise<ProductRow[]> {
  const { rows } = await db.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE sku = ANY($1::text[])`, [skus]);
  return rows;
}

export async function imagesByProductIds(db: Queryable, productIds: readonly string[]): Promise<ImageRow[]> {
  const { rows } = await db.query<ImageRow>(
    'SELECT id, product_id, position, path, width, height, alt FROM product_images WHERE product_id = ANY($1::text[]) ORDER BY product_id, position',
    [productIds],
  );
  return rows;
}

/**
 * One page (`limit` rows, in catalog order, after catalog position `afterPosition`) of
 * products, optionally restricted to one category.
 */
export async function productPage(
  db: Queryable,
  options: { categoryId: string | null; afterPosition: number; limit: number },
): Promise<ProductRow[]> {
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM products
      WHERE ($1::text IS NULL OR category_id = $1) AND position > $2
      ORDER BY position
      LIMIT $3`,
    [options.categoryId, options.afterPosition, options.limit],
  );
  return rows;
}

/**
 * The same page for many categories in one statement: rows are numbered per category and
 * cut at `limit`, so the statement count does not grow with the number of categories.
 */
export async function productPagesByCategory(
  db: Queryable,
  categoryIds: readonly string[],
  options: { afterPosition: number; limit: number },
): Promise<ProductRow[]> {
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM (
        SELECT p.*, row_number() OVER (PARTITION BY category_id ORDER BY position) AS rank
          FROM products p
         WHERE category_id = ANY($1::text[]) AND position > $2
      ) ranked
      WHERE rank <= $3
      ORDER BY category_id, position`,
    [categoryIds, options.afterPosition, options.limit],
  );
  return rows;
}

/** Full-text search, best match first; ties broken by catalog order so pages are stable. */
export async function searchProductPage(
  db: Queryable,
  options: { query: string; offset: number; limit: number },
): Promise<ProductRow[]> {
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM products, websearch_to_tsquery('english', $1) AS q
      WHERE search @@ q
      ORDER BY ts_rank(search, q) DESC, position
      LIMIT $2 OFFSET $3`,
    [options.query, options.limit, options.offset],
  );
  return rows;
}
