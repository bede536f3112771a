import type { InstantPosition } from '../graphql/instant-cursor';
import type { Queryable } from '@bff/platform';

export interface NewestFirstList {
  /** Table and column names are interpolated: pass constants, never user input. */
  table: string;
  columns: string;
  owner: string;
  instant: string;
}

/**
 * The same page of a newest-first child list (a product's reviews, a user's orders) for
 * many owners in one statement: rows are numbered per owner in (instant DESC, id DESC)
 * order, start strictly after `after`, and are cut at `limit` per owner.
 */
export async function newestFirstPages<Row>(
  db: Queryable,
  list: NewestFirstList,
  ownerIds: readonly string[],
  after: InstantPosition | null,
  limit: number,
): Promise<Row[]> {
  const { table, columns, owner, instant } = list;
  const { rows } = await db.query<Row>(
    `SELECT ${columns} FROM (
        SELECT t.*, row_number() OVER (PARTITION BY ${owner} ORDER BY ${instant} DESC, id DESC) AS page_rank
          FROM ${table} t
         WHERE ${owner} = ANY($1::text[])
           AND ($2::timestamptz IS NULL OR (${instant}, id) < ($2::timestamptz, $3::text))
      ) ranked
      WHERE page_rank <= $4
      ORDER BY ${owner}, ${instant} DESC, id DESC`,
    [ownerIds, after?.at ?? null, after?.id ?? null, limit],
  );
  return rows;
}
