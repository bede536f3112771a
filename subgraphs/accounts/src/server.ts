import { join } from 'node:path';
import { createSubgraphServer, type SubgraphDefinition, type SubgraphServerOptions } from '@subgraphs/kit';
import { type Database } from '@bff/platform';
import { createAccountsLoaders, type AccountsLoaders } from './data/loaders';
import { accountsSeed } from './data/seed';
import { resolvers } from './resolvers';

export const accountsSubgraph: SubgraphDefinition<AccountsLoaders> = {
  name: 'accounts',
  defaultPort: 4101,
  schemaFile: join(__dirname, '..', 'schema.graphql'),
  migrationsDir: join(__dirname, 'data', 'migrations'),
  seed: accountsSeed,
  resolvers,
  createLoaders: createAccountsLoaders,
};

/** Builds the accounts subgraph over an open, migrated database. No side effects. */
export function createAccountsServer(db: Database, options?: SubgraphServerOptions) {
  return createSubgraphServer(accountsSubgraph, db, options);
}
