import { join } from 'node:path';
import { createSubgraphServer, type Database, type SubgraphDefinition, type SubgraphServerOptions } from '@subgraphs/kit';
import { createOrdersLoaders, type OrdersLoaders } from './data/loaders';
import { ordersSeed } from './data/seed';
import { resolvers } from './resolvers';

export const ordersSubgraph: SubgraphDefinition<OrdersLoaders> = {
  name: 'orders',
  defaultPort: 4105,
  schemaFile: join(__dirname, '..', 'schema.graphql'),
  migrationsDir: join(__dirname, 'data', 'migrations'),
  seed: ordersSeed,
  resolvers,
  createLoaders: createOrdersLoaders,
};

/** Builds the orders subgraph over an open, migrated database. No side effects. */
export function createOrdersServer(db: Database, options?: SubgraphServerOptions) {
  return createSubgraphServer(ordersSubgraph, db, options);
}
