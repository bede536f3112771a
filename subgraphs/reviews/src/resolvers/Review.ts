import type { ReviewsContext } from '../context';
import type { ReviewRow } from '../data/review-store';

export const Review = {
  __resolveReference: (reference: { id: string }, context: ReviewsContext) => context.loaders.reviewById.load(reference.id),
  createdAt: (review: ReviewRow) => review.created_at,
  // `name` is @provides'd: the gateway reads it from here instead of asking accounts.
  author: (review: ReviewRow) => ({ id: review.author_id, name: review.author_name }),
  product: (review: ReviewRow) => ({ id: review.product_id }),
};
