import { join } from 'node:path';
import { createSubgraphServer, type SubgraphDefinition, type SubgraphServerOptions } from '@subgraphs/kit';
import { type Database } from '@bff/platform';
import { INVENTORY_URL_VARIABLE, readOrdersConfig } from './config';
import type { OrdersServices } from './context';
import { createOrdersLoaders, type OrdersLoaders } from './data/loaders';
import { ordersSeed } from './data/seed';
import { databaseOrderEvents } from './events/database-order-events';
import { redisOrderEvents } from './events/redis-order-events';
import { createInventoryClient } from './inventory/inventory-client';
import { resolvers } from './resolvers';

export const ordersSubgraph: SubgraphDefinition<OrdersLoaders, OrdersServices> = {
  name: 'orders',
  defaultPort: 4105,
  schemaFile: join(__dirname, '..', 'schema.graphql'),
  migrationsDir: join(__dirname, 'data', 'migrations'),
  seed: ordersSeed,
  resolvers,
  createLoaders: createOrdersLoaders,
  // Stock belongs to inventory: placing an order reserves it there, cancelling returns it.
  dependencies: [{ subgraph: 'inventory', urlVariable: INVENTORY_URL_VARIABLE }],
  createServices: (env, { gatewaySecret }) => {
    const config = readOrdersConfig(env);
    return {
      inventory: createInventoryClient({ url: config.inventoryUrl, timeoutMs: config.inventoryTimeoutMs, gatewaySecret }),
      events: config.redisUrl ? redisOrderEvents(config.redisUrl) : databaseOrderEvents(),
    };
  },
  closeServices: (services) => services.events.close(),
};

/** Builds the orders subgraph over an open, migrated database. No side effects. */
export function createOrdersServer(db: Database, options?: SubgraphServerOptions<OrdersServices>) {
  return createSubgraphServer(ordersSubgraph, db, options);
}
