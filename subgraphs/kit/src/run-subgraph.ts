import { ConfigError, dataChangesFor, readTelemetryConfig, type TelemetryConfig, ServiceTelemetry, openDatabase, DataDirInUseError, migrate, readMigrations, listenOrExplain, runService } from '@bff/platform';
import { readSubgraphConfig, type SubgraphConfig } from './config/subgraph-config';
import { createSubgraphServer, type SubgraphDefinition } from './graphql/subgraph-server';

/** The `main` of every subgraph process: config, storage, migrations and seed, then serve. */
export function startSubgraphProcess<Loaders, Services>(definition: SubgraphDefinition<Loaders, Services>): void {
  runService(definition.name, async (service) => {
    let config: SubgraphConfig;
    let telemetryConfig: TelemetryConfig;
    let services: Services | undefined;
    try {
      config = readSubgraphConfig(definition.name, definition.defaultPort);
      telemetryConfig = readTelemetryConfig(definition.name);
      services = definition.createServices?.(process.env, { gatewaySecret: config.gatewaySecret });
    } catch (error) {
      if (error instanceof ConfigError) return service.fail(`configuration error: ${error.message}`, 2);
      throw error;
    }
    let db;
    try {
      db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
    } catch (error) {
      if (error instanceof DataDirInUseError) return service.fail(error.message, 2);
      throw error;
    }
    service.onStop(() => db.close());
    if (service.stopRequested()) return;
    const report = await migrate(db, readMigrations(definition.migrationsDir), definition.seed);
    service.log(
      `storage: ${db.kind === 'postgres' ? `PostgreSQL schema "${db.schema}"` : `PGlite ${config.dataDir}`}; ` +
        `migrations applied: ${report.applied.length ? report.applied.join(', ') : 'none pending'}; ` +
        `seed ${report.seeded ? 'loaded' : 'already present'}`,
    );
    if (service.stopRequested()) return;
    const telemetry = ServiceTelemetry.fromConfig(definition.name, telemetryConfig);
    const server = createSubgraphServer(definition, db, { maxBodyBytes: config.maxBodyBytes, gatewaySecret: config.gatewaySecret, services, telemetry, maxConcurrentRequests: config.maxConcurrentRequests, dataChanges: dataChangesFor(config.redisUrl, service.log) });
    const url = await listenOrExplain(service, () => server.listen(config.port, config.host), config.port, config.host);
    service.onStop(() => server.stop());
    service.log(`ready at ${url}/graphql`);
  });
}
