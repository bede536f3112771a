import { inspect } from 'node:util';
import { ConfigError } from './config/env';
import { readSubgraphConfig, type SubgraphConfig } from './config/subgraph-config';
import { openDatabase, type Database } from './db/database';
import { DataDirInUseError } from './db/data-dir-lock';
import { migrate, readMigrations } from './db/migrate';
import { createSubgraphServer, type SubgraphDefinition, type SubgraphServer } from './graphql/subgraph-server';

/**
 * The `main` of every subgraph process: read config, open storage, migrate and seed,
 * listen, and shut down gracefully on SIGTERM/SIGINT, or when the launcher that spawned
 * us goes away (its IPC channel closes), so no subgraph outlives `npm start`.
 *
 * The stop signals are handled from the first line: a stop during start-up lets the
 * current step (say, a migration) finish, then closes what is open and exits, instead of
 * dying mid-write.
 */
export function startSubgraphProcess<Loaders>(definition: SubgraphDefinition<Loaders>): void {
  const log = (message: string) => console.log(`[${definition.name}] ${message}`);
  let db: Database | undefined;
  let server: SubgraphServer | undefined;
  let stopRequested: string | undefined;
  let starting = true;
  let stopping = false;

  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: ${server ? 'draining and stopping' : 'stopping during start-up'}`);
    try {
      await server?.stop();
      await db?.close();
      process.exit(0);
    } catch (error) {
      console.error(`[${definition.name}] error during shutdown:`, error);
      process.exit(1);
    }
  };
  const requestStop = (reason: string) => {
    stopRequested = reason;
    if (!starting) void stop(reason); // during start-up, each step checks `stopRequested` when it finishes
  };
  process.on('SIGTERM', () => requestStop('SIGTERM'));
  process.on('SIGINT', () => requestStop('SIGINT'));
  if (process.send) process.on('disconnect', () => requestStop('launcher gone'));

  const fail = async (message: string, code: number) => {
    console.error(`[${definition.name}] ${message}`);
    await db?.close().catch(() => undefined);
    process.exit(code);
  };

  const run = async () => {
    let config: SubgraphConfig;
    try {
      config = readSubgraphConfig(definition.name, definition.defaultPort);
    } catch (error) {
      if (error instanceof ConfigError) return fail(`configuration error: ${error.message}`, 2);
      throw error;
    }
    try {
      db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
    } catch (error) {
      if (error instanceof DataDirInUseError) return fail(error.message, 2);
      throw error;
    }
    if (stopRequested) return stop(stopRequested);
    const report = await migrate(db, readMigrations(definition.migrationsDir), definition.seed);
    log(
      `storage: ${db.kind === 'postgres' ? `PostgreSQL schema "${db.schema}"` : `PGlite ${config.dataDir}`}; ` +
        `migrations applied: ${report.applied.length ? report.applied.join(', ') : 'none pending'}; ` +
        `seed ${report.seeded ? 'loaded' : 'already present'}`,
    );
    if (stopRequested) return stop(stopRequested);
    const created = createSubgraphServer(definition, db, { maxBodyBytes: config.maxBodyBytes });
    let url: string;
    try {
      url = await created.listen(config.port, config.host);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        return fail(`port ${config.port} on ${config.host} is already in use; set PORT to a free port`, 2);
      }
      throw error;
    }
    server = created;
    starting = false;
    log(`ready at ${url}/graphql`);
    if (stopRequested) return stop(stopRequested);
  };

  run().catch((error) => fail(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : inspect(error)}`, 1));
}
