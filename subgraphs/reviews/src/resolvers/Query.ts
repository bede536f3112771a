import type { ReviewsContext } from '../context';

export const Query = {
  review: (_: unknown, args: { id: string }, context: ReviewsContext) => context.loaders.reviewById.load(args.id),
};
