import { join } from 'node:path';
import { createSubgraphServer, type SubgraphDefinition, type SubgraphServerOptions } from '@subgraphs/kit';
import { type Database } from '@bff/platform';
import { createReviewsLoaders, type ReviewsLoaders } from './data/loaders';
import { reviewsSeed } from './data/seed';
import { resolvers } from './resolvers';

export const reviewsSubgraph: SubgraphDefinition<ReviewsLoaders> = {
  name: 'reviews',
  defaultPort: 4104,
  schemaFile: join(__dirname, '..', 'schema.graphql'),
  migrationsDir: join(__dirname, 'data', 'migrations'),
  seed: reviewsSeed,
  resolvers,
  createLoaders: createReviewsLoaders,
};

/** Builds the reviews subgraph over an open, migrated database. No side effects. */
export function createReviewsServer(db: Database, options?: SubgraphServerOptions) {
  return createSubgraphServer(reviewsSubgraph, db, options);
}
