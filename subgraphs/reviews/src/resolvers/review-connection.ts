import { pageSize, toConnection, type PageArgs, type PageKey } from '@subgraphs/kit';
import type DataLoader from 'dataloader';
import { afterReview, reviewCursor } from '../data/cursors';
import type { ReviewRow } from '../data/review-store';

export const DEFAULT_REVIEW_PAGE = 10;

/** `Product.reviews` and `User.reviews`: the same connection over a different owner. */
export async function reviewConnection(ownerId: string, args: PageArgs, loader: DataLoader<PageKey, ReviewRow[], string>) {
  const first = pageSize(args.first, DEFAULT_REVIEW_PAGE);
  const after = args.after ?? null;
  afterReview(after); // a malformed cursor fails this field with BAD_USER_INPUT, not the batch
  const rows = await loader.load({ ownerId, first, after });
  return toConnection(rows, first, reviewCursor, (row) => row);
}
