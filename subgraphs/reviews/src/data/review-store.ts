import { newestFirstPages, type InstantPosition } from '@subgraphs/kit';
import { type Queryable } from '@bff/platform';

export interface ReviewRow {
  id: string;
  product_id: string;
  author_id: string;
  author_name: string;
  rating: number;
  title: string;
  body: string;
  created_at: Date;
}

const REVIEW_COLUMNS = 'id, product_id, author_id, author_name, rating, title, body, created_at';

export async function reviewsByIds(db: Queryable, ids: readonly string[]): Promise<ReviewRow[]> {
  const { rows } = await db.query<ReviewRow>(`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE id = ANY($1::text[])`, [ids]);
  return rows;
}

/** The same page of reviews (newest first) for many products or many authors in one statement. */
export function reviewPages(
  db: Queryable,
  owner: 'product_id' | 'author_id',
  ownerIds: readonly string[],
  after: InstantPosition | null,
  limit: number,
): Promise<ReviewRow[]> {
  return newestFirstPages<ReviewRow>(db, { table: 'reviews', columns: REVIEW_COLUMNS, owner, instant: 'created_at' }, ownerIds, after, limit);
}

export interface RatingCountRow {
  product_id: string;
  rating: number;
  count: number;
}

export async function ratingCounts(db: Queryable, productIds: readonly string[]): Promise<RatingCountRow[]> {
  const { rows } = await db.query<RatingCountRow>(
    'SELECT product_id, rating, count(*)::int AS count FROM reviews WHERE product_id = ANY($1::text[]) GROUP BY product_id, rating',
    [productIds],
  );
  return rows;
}
