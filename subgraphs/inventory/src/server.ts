import { join } from 'node:path';
import { createSubgraphServer, type SubgraphDefinition, type SubgraphServerOptions } from '@subgraphs/kit';
import { type Database } from '@bff/platform';
import { createInventoryLoaders, type InventoryLoaders } from './data/loaders';
import { inventorySeed } from './data/seed';
import { resolvers } from './resolvers';

export const inventorySubgraph: SubgraphDefinition<InventoryLoaders> = {
  name: 'inventory',
  defaultPort: 4103,
  schemaFile: join(__dirname, '..', 'schema.graphql'),
  migrationsDir: join(__dirname, 'data', 'migrations'),
  seed: inventorySeed,
  resolvers,
  createLoaders: createInventoryLoaders,
};

/** Builds the inventory subgraph over an open, migrated database. No side effects. */
export function createInventoryServer(db: Database, options?: SubgraphServerOptions) {
  return createSubgraphServer(inventorySubgraph, db, options);
}
