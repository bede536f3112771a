import { join } from 'node:path';
import { DEVELOPMENT_USAGE_TOKEN } from '@bff/formats';
import { ConfigError, defaultDataDir, listenOrExplain, migrate, openDatabase, readDatabaseUrl, readIdentifier, readMigrations, readOptionalString, readPort, readPositiveInt, readString, readTelemetryConfig, runService, ServiceTelemetry } from '@bff/platform';
import { Registry } from './registry';
import { createRegistryServer } from './server';

export const REGISTRY_DEFAULT_PORT = 4110;
/** Only for development; production refuses to start without REGISTRY_TOKEN. */
export const DEVELOPMENT_REGISTRY_TOKEN = 'dev-registry-token';

/**
 * The registry process. Environment: `HOST`, `PORT` (4110), `DATABASE_URL` (else PGlite in
 * `DATA_DIR`, default `.data/registry`), `DATABASE_SCHEMA` (registry), `REGISTRY_TOKEN`,
 * `REGISTRY_USAGE_TOKEN` (what BFFs report usage with), `USAGE_RETENTION_DAYS` (30),
 * `TRAFFIC_WINDOW_DAYS` (7: how far back checks and retirements look), `LOG_LEVEL`.
 */
runService('registry', async (service) => {
  let config;
  try {
    const env = process.env;
    const production = env.NODE_ENV === 'production';
    const token = readOptionalString(env, 'REGISTRY_TOKEN') ?? (production ? undefined : DEVELOPMENT_REGISTRY_TOKEN);
    if (!token) throw new ConfigError('REGISTRY_TOKEN must be set in production: the token writes to the registry need');
    if (token.length < 16) throw new ConfigError('REGISTRY_TOKEN must be at least 16 characters');
    const usageToken = readOptionalString(env, 'REGISTRY_USAGE_TOKEN') ?? (production ? undefined : DEVELOPMENT_USAGE_TOKEN);
    if (usageToken !== undefined && usageToken.length < 16) throw new ConfigError('REGISTRY_USAGE_TOKEN must be at least 16 characters');
    const usageRetentionDays = readPositiveInt(env, 'USAGE_RETENTION_DAYS', 30);
    const trafficWindowDays = readPositiveInt(env, 'TRAFFIC_WINDOW_DAYS', 7);
    if (trafficWindowDays > usageRetentionDays) throw new ConfigError(`TRAFFIC_WINDOW_DAYS (${trafficWindowDays}) cannot be longer than USAGE_RETENTION_DAYS (${usageRetentionDays}): the traffic would be gone`);
    config = {
      host: readString(env, 'HOST', '127.0.0.1'),
      port: readPort(env, 'PORT', REGISTRY_DEFAULT_PORT),
      databaseUrl: readDatabaseUrl(env, 'DATABASE_URL'),
      schema: readIdentifier(env, 'DATABASE_SCHEMA', 'registry'),
      dataDir: readString(env, 'DATA_DIR', defaultDataDir('registry')),
      token,
      developmentToken: token === DEVELOPMENT_REGISTRY_TOKEN,
      usageToken,
      usageRetentionDays,
      trafficWindowDays,
      telemetry: readTelemetryConfig('registry'),
    };
  } catch (error) {
    if (error instanceof ConfigError) return service.fail(`configuration error: ${error.message}`, 2);
    throw error;
  }
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.schema });
  service.onStop(() => db.close());
  await migrate(db, readMigrations(join(__dirname, 'data', 'migrations')));
  const registry = new Registry(db, { usageRetentionDays: config.usageRetentionDays, trafficWindowDays: config.trafficWindowDays });
  if (await registry.bootstrap()) service.log('empty registry: published the rover.yaml subgraphs as version 1 and imported the repo manifests');
  if (service.stopRequested()) return;
  const telemetry = ServiceTelemetry.fromConfig('registry', config.telemetry);
  const server = createRegistryServer({ registry, db, token: config.token, usageToken: config.usageToken, telemetry });
  const url = await listenOrExplain(service, () => server.listen(config.port, config.host), config.port, config.host);
  service.onStop(() => server.close());
  if (config.developmentToken) service.log(`development token for writes: ${DEVELOPMENT_REGISTRY_TOKEN} (set REGISTRY_TOKEN)`);
  if (!config.usageToken) service.log('REGISTRY_USAGE_TOKEN is not set: usage reports need the write token (give BFFs a usage token of their own)');
  service.log(`ready at ${url}`);
});
