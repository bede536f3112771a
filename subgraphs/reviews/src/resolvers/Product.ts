import type { PageArgs } from '@subgraphs/kit';
import type { ReviewsContext } from '../context';
import { reviewConnection } from './review-connection';

const STARS = [5, 4, 3, 2, 1] as const;

export const Product = {
  __resolveReference: (reference: { id: string }) => reference,
  reviews: (product: { id: string }, args: PageArgs, context: ReviewsContext) =>
    reviewConnection(product.id, args, context.loaders.reviewPageByProduct),
  ratingSummary: async (product: { id: string }, _args: unknown, context: ReviewsContext) => {
    const counts = await context.loaders.ratingCountsByProduct.load(product.id);
    const byStars = new Map(counts.map((row) => [row.rating, row.count]));
    const count = counts.reduce((sum, row) => sum + row.count, 0);
    const total = counts.reduce((sum, row) => sum + row.rating * row.count, 0);
    return {
      average: count === 0 ? 0 : Math.round((total / count) * 100) / 100,
      count,
      histogram: STARS.map((stars) => ({ stars, count: byStars.get(stars) ?? 0 })),
    };
  },
};
