import DataLoader from 'dataloader';
import { createPageLoader, manyPer, onePer, type PageKey } from '@subgraphs/kit';
import { type RequestDatabase } from '@bff/platform';
import { afterReview } from './cursors';
import { ratingCounts, reviewPages, reviewsByIds, type RatingCountRow, type ReviewRow } from './review-store';

export interface ReviewsLoaders {
  reviewById: DataLoader<string, ReviewRow | null>;
  reviewPageByProduct: DataLoader<PageKey, ReviewRow[], string>;
  reviewPageByAuthor: DataLoader<PageKey, ReviewRow[], string>;
  ratingCountsByProduct: DataLoader<string, RatingCountRow[]>;
}

export function createReviewsLoaders(db: RequestDatabase): ReviewsLoaders {
  return {
    reviewById: new DataLoader(async (ids) => onePer(ids, await reviewsByIds(db, ids), (r) => r.id)),
    reviewPageByProduct: createPageLoader(
      (ids, after, limit) => reviewPages(db, 'product_id', ids, afterReview(after), limit),
      (row) => row.product_id,
    ),
    reviewPageByAuthor: createPageLoader(
      (ids, after, limit) => reviewPages(db, 'author_id', ids, afterReview(after), limit),
      (row) => row.author_id,
    ),
    ratingCountsByProduct: new DataLoader(async (ids) => manyPer(ids, await ratingCounts(db, ids), (r) => r.product_id)),
  };
}
