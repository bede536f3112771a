import { join } from 'node:path';
import { migrate, readMigrations, type Database } from '@bff/platform';
import { Registry, type RegistryOptions } from './registry';
import { createRegistryServer, type RegistryServer, type RegistryServerOptions } from './server';

export const TEST_REGISTRY_TOKEN = 'test-registry-token-0123456789';
export const TEST_USAGE_TOKEN = 'test-usage-token-0123456789';

/** A registry over an open database, listening on 127.0.0.1:0 (for tests). */
export async function startTestRegistry(
  db: Database,
  options: Partial<Pick<RegistryServerOptions, 'uplink' | 'telemetry'>> & { registry?: RegistryOptions } = {},
): Promise<{ url: string; registry: Registry; server: RegistryServer }> {
  await migrate(db, readMigrations(join(__dirname, 'data', 'migrations')));
  const { registry: registryOptions, ...serverOptions } = options;
  const registry = new Registry(db, registryOptions);
  await registry.bootstrap();
  const server = createRegistryServer({ registry, db, token: TEST_REGISTRY_TOKEN, usageToken: TEST_USAGE_TOKEN, ...serverOptions });
  return { url: await server.listen(0, '127.0.0.1'), registry, server };
}
