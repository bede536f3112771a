import { join } from 'node:path';
import { createSubgraphServer, type SubgraphDefinition, type SubgraphServerOptions } from '@subgraphs/kit';
import { type Database } from '@bff/platform';
import { createCatalogLoaders, type CatalogLoaders } from './data/loaders';
import { catalogSeed } from './data/seed';
import { resolvers } from './resolvers';

export const catalogSubgraph: SubgraphDefinition<CatalogLoaders> = {
  name: 'catalog',
  defaultPort: 4102,
  schemaFile: join(__dirname, '..', 'schema.graphql'),
  migrationsDir: join(__dirname, 'data', 'migrations'),
  seed: catalogSeed,
  resolvers,
  createLoaders: createCatalogLoaders,
};

/** Builds the catalog subgraph over an open, migrated database. No side effects. */
export function createCatalogServer(db: Database, options?: SubgraphServerOptions) {
  return createSubgraphServer(catalogSubgraph, db, options);
}
