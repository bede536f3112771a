import { decodeInstantCursor, encodeInstantCursor } from '@subgraphs/kit';
import type { ReviewRow } from './review-store';

/** Review lists are newest first; a cursor is the (createdAt, id) of the last review seen. */
export const reviewCursor = (row: ReviewRow) => encodeInstantCursor('review', row.created_at, row.id);
export const afterReview = (after: string | null | undefined) => decodeInstantCursor('review', after);
