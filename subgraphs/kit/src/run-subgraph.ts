import { ConfigError } from './config/env';
import { readSubgraphConfig, type SubgraphConfig } from './config/subgraph-config';
import { openDatabase } from './db/database';
import { migrate, readMigrations } from './db/migrate';
import { createSubgraphServer, type SubgraphDefinition } from './graphql/subgraph-server';

/**
 * The `main` of every subgraph process: read config, open storage, migrate and seed,
 * listen, and shut down gracefully on SIGTERM/SIGINT, or when the launcher that spawned
 * us goes away (its IPC channel closes), so no subgraph outlives `npm start`.
 */
export function startSubgraphProcess<Loaders>(definition: SubgraphDefinition<Loaders>): void {
  run(definition).catch((error) => {
    console.error(`[${definition.name}] failed to start:`, error);
    process.exit(1);
  });
}

async function run<Loaders>(definition: SubgraphDefinition<Loaders>): Promise<void> {
  const log = (message: string) => console.log(`[${definition.name}] ${message}`);
  let config: SubgraphConfig;
  try {
    config = readSubgraphConfig(definition.name, definition.defaultPort);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[${definition.name}] configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }

  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  const report = await migrate(db, readMigrations(definition.migrationsDir), definition.seed);
  log(
    `storage: ${db.kind === 'postgres' ? `PostgreSQL schema "${db.schema}"` : `PGlite ${config.dataDir}`}; ` +
      `migrations applied: ${report.applied.length ? report.applied.join(', ') : 'none pending'}; ` +
      `seed ${report.seeded ? 'loaded' : 'already present'}`,
  );

  const server = createSubgraphServer(definition, db, { maxBodyBytes: config.maxBodyBytes });
  const url = await server.listen(config.port, config.host);
  log(`ready at ${url}/graphql`);

  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: draining and stopping`);
    try {
      await server.stop();
      await db.close();
      process.exit(0);
    } catch (error) {
      console.error(`[${definition.name}] error during shutdown:`, error);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  if (process.send) process.on('disconnect', () => void shutdown('launcher gone'));
}
