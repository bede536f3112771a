import type { PageArgs } from '@subgraphs/kit';
import type { ReviewsContext } from '../context';
import { reviewConnection } from './review-connection';

export const User = {
  __resolveReference: (reference: { id: string }) => reference,
  reviews: (user: { id: string }, args: PageArgs, context: ReviewsContext) =>
    reviewConnection(user.id, args, context.loaders.reviewPageByAuthor),
};
