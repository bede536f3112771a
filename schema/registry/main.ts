import { join } from 'node:path';
import { ConfigError, defaultDataDir, listenOrExplain, migrate, openDatabase, readDatabaseUrl, readIdentifier, readMigrations, readOptionalString, readPort, readString, runService } from '@bff/platform';
import { Registry } from './registry';
import { createRegistryServer } from './server';

export const REGISTRY_DEFAULT_PORT = 4110;
/** Only for development; production refuses to start without REGISTRY_TOKEN. */
export const DEVELOPMENT_REGISTRY_TOKEN = 'dev-registry-token';

/**
 * The registry process. Environment: `HOST`, `PORT` (4110), `DATABASE_URL` (else PGlite in
 * `DATA_DIR`, default `.data/registry`), `DATABASE_SCHEMA` (registry), `REGISTRY_TOKEN`.
 */
runService('registry', async (service) => {
  let config;
  try {
    const env = process.env;
    const production = env.NODE_ENV === 'production';
    const token = readOptionalString(env, 'REGISTRY_TOKEN') ?? (production ? undefined : DEVELOPMENT_REGISTRY_TOKEN);
    if (!token) throw new ConfigError('REGISTRY_TOKEN must be set in production: the token writes to the registry need');
    if (token.length < 16) throw new ConfigError('REGISTRY_TOKEN must be at least 16 characters');
    config = {
      host: readString(env, 'HOST', '127.0.0.1'),
      port: readPort(env, 'PORT', REGISTRY_DEFAULT_PORT),
      databaseUrl: readDatabaseUrl(env, 'DATABASE_URL'),
      schema: readIdentifier(env, 'DATABASE_SCHEMA', 'registry'),
      dataDir: readString(env, 'DATA_DIR', defaultDataDir('registry')),
      token,
      developmentToken: token === DEVELOPMENT_REGISTRY_TOKEN,
    };
  } catch (error) {
    if (error instanceof ConfigError) return service.fail(`configuration error: ${error.message}`, 2);
    throw error;
  }
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.schema });
  service.onStop(() => db.close());
  await migrate(db, readMigrations(join(__dirname, 'data', 'migrations')));
  const registry = new Registry(db);
  if (await registry.bootstrap()) service.log('empty registry: published the rover.yaml subgraphs as version 1 and imported the repo manifests');
  if (service.stopRequested()) return;
  const server = createRegistryServer({ registry, db, token: config.token });
  const url = await listenOrExplain(service, () => server.listen(config.port, config.host), config.port, config.host);
  service.onStop(() => server.close());
  if (config.developmentToken) service.log(`development token for writes: ${DEVELOPMENT_REGISTRY_TOKEN} (set REGISTRY_TOKEN)`);
  service.log(`ready at ${url}`);
});
