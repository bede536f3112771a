import type { Queryable } from '@bff/platform';

export interface CategoryRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  position: number;
}

const CATEGORY_COLUMNS = 'id, slug, name, description, position';

export async function categoriesByIds(db: Queryable, ids: readonly string[]): Promise<CategoryRow[]> {
  const { rows } = await db.query<CategoryRow>(`SELECT ${CATEGORY_COLUMNS} FROM categories WHERE id = ANY($1::text[])`, [ids]);
  return rows;
}

export async function categoriesBySlugs(db: Queryable, slugs: readonly string[]): Promise<CategoryRow[]> {
  const { rows } = await db.query<CategoryRow>(`SELECT ${CATEGORY_COLUMNS} FROM categories WHERE slug = ANY($1::text[])`, [slugs]);
  return rows;
}

export async function allCategories(db: Queryable): Promise<CategoryRow[]> {
  const { rows } = await db.query<CategoryRow>(`SELECT ${CATEGORY_COLUMNS} FROM categories ORDER BY position`);
  return rows;
}

export async function productCountsByCategory(
  db: Queryable,
  ids: readonly string[],
): Promise<{ category_id: string; count: number }[]> {
  const { rows } = await db.query<{ category_id: string; count: number }>(
    'SELECT category_id, count(*)::int AS count FROM products WHERE category_id = ANY($1::text[]) GROUP BY category_id',
    [ids],
  );
  return rows;
}
