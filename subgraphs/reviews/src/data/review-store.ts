import type { Queryable } from '@subgraphs/kit';

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

/** Position of a review in a newest-first list; a page starts strictly after it. */
export interface ReviewPosition {
  createdAt: string;
  id: string;
}

const REVIEW_COLUMNS = 'id, product_id, author_id, author_name, rating, title, body, created_at';

export async function reviewsByIds(db: Queryable, ids: readonly string[]): Promise<ReviewRow[]> {
  const { rows } = await db.query<ReviewRow>(`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE id = ANY($1::text[])`, [ids]);
  return rows;
}

/**
 * The same page of reviews (newest first, `limit` rows after `after`) for many products or
 * many authors in one statement: rows are numbered per owner and cut at `limit`.
 */
export async function reviewPages(
  db: Queryable,
  owner: 'product_id' | 'author_id',
  ownerIds: readonly string[],
  after: ReviewPosition | null,
  limit: number,
): Promise<ReviewRow[]> {
  const { rows } = await db.query<ReviewRow>(
    `SELECT ${REVIEW_COLUMNS} FROM (
        SELECT r.*, row_number() OVER (PARTITION BY ${owner} ORDER BY created_at DESC, id DESC) AS rank
          FROM reviews r
         WHERE ${owner} = ANY($1::text[])
           AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
      ) ranked
      WHERE rank <= $4
      ORDER BY ${owner}, created_at DESC, id DESC`,
    [ownerIds, after?.createdAt ?? null, after?.id ?? null, limit],
  );
  return rows;
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
