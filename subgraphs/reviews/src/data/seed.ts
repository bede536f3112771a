import { bulkInsert, type Seed } from '@bff/platform';
import { dataset } from '@subgraphs/kit';

export const reviewsSeed: Seed = {
  version: '1',
  async load(tx) {
    await bulkInsert(
      tx,
      'reviews',
      ['id', 'product_id', 'author_id', 'author_name', 'rating', 'title', 'body', 'created_at'],
      dataset().reviews.map((r) => [r.id, r.productId, r.authorId, r.authorName, r.rating, r.title, r.body, r.createdAt]),
    );
  },
};
