import { decodeCursor, encodeCursor, badUserInput } from '@subgraphs/kit';
import type { ReviewPosition, ReviewRow } from './review-store';

/** Review lists are newest first; a cursor is the (createdAt, id) of the last review seen. */
export const reviewCursor = (row: ReviewRow) => encodeCursor('review', [row.created_at.toISOString(), row.id]);

export function afterReview(after: string | null | undefined): ReviewPosition | null {
  if (after === null || after === undefined) return null;
  const [createdAt, id] = decodeCursor('review', after, 2);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(createdAt!) || Number.isNaN(Date.parse(createdAt!))) {
    throw badUserInput('after', 'Argument "after" is not a valid cursor for this list; use a cursor this list returned.');
  }
  return { createdAt: createdAt!, id: id! };
}
