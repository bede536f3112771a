import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ConfigError, REPO_ROOT } from '@bff/platform';
import { ensureClientBuilt } from './client-build';
import { spawnStack, stopAll, waitForStack } from './launcher';
import { LOCAL_STACK } from './stack';

/**
 * `npm start`: every service as its own process, one line per service once all are
 * ready, and a clean stop of all of them on Ctrl-C / SIGTERM (also during start-up), or
 * when any one dies.
 */
async function main(): Promise<void> {
  const started = Date.now();
  for (const { app } of LOCAL_STACK) if (app) ensureClientBuilt(app);
  console.log(`Starting ${LOCAL_STACK.length} services (first start creates and seeds the embedded databases)…`);
  // Seven services' request lines would bury this terminal: warnings and errors only, unless asked.
  const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const options = { env, log: (line: string) => console.log(line) };
  const running = spawnStack(LOCAL_STACK, options);

  let stopping = false;
  const stop = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}: stopping all services…`);
    await stopAll(running.map((r) => r.child));
    console.log('All services stopped.');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));

  try {
    await waitForStack(running, options);
  } catch (error) {
    if (stopping) return; // a stop during start-up ends the children; that is not a failure
    throw error;
  }
  if (stopping) return;
  for (const { service, child } of running) {
    child.once('exit', (code, signal) => {
      if (!stopping) void stop(`${service.name} exited unexpectedly (${signal ?? `code ${code}`})`, 1);
    });
  }
  const storefront = running.find((r) => r.service.name === 'storefront');
  const mobileApp = running.find((r) => r.service.name === 'mobile-app');
  if (storefront) console.log(`\nOpen the storefront: ${storefront.url}/`);
  if (mobileApp) console.log(`The mobile app (in a browser, at a phone's size): ${mobileApp.url}/`);
  console.log(`\nAll services ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  // The apps first: they are what a visitor opens.
  const shown = [...running].sort((a, b) => Number(b.service.kind === 'client') - Number(a.service.kind === 'client'));
  for (const { service, url } of shown) console.log(`  ${service.name.padEnd(10)} ${url}${service.publicPath}`);
  const production = process.env.NODE_ENV === 'production';
  console.log(
    production
      ? '\nProduction policies: mobile runs persisted queries only, introspection per client policy.'
      : '\nDevelopment mode: introspection on for both BFFs, free-text queries allowed on mobile (NODE_ENV=production npm start for production policies).',
  );
  for (const { service, url } of running) {
    if (service.example) console.log(`\nTry ${service.name}:\n  ${service.example(`${url}${service.publicPath}`)}`);
  }
  const token = localToken();
  const web = running.find((r) => r.service.name === 'web-bff');
  if (token && web) {
    console.log(`\nA token for user u-001 (orders:read orders:write, valid 12 h; more with npm run token):\n  ${token}`);
    const query = JSON.stringify({ query: '{ me { name tier } myOrders(first: 3) { nodes { number status total { formatted } } } }' });
    console.log(`  curl -s ${web.url}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${token}' -d '${query}'`);
  }
  if (web) {
    console.log(`\nMetrics (Prometheus text) of any service at /metrics, e.g.:\n  curl -s ${web.url}/metrics | grep graphql_operations_total`);
  }
  if (process.env.LOG_LEVEL === undefined) console.log('One JSON log line per request and service: LOG_LEVEL=info npm start');
  console.log('\nPress Ctrl-C to stop.');
}

/** A token from `npm run token` (same JWT settings as the BFFs), or undefined if none can be minted here. */
function localToken(): string | undefined {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', resolve(REPO_ROOT, 'bffs/core/src/cli/token.ts'), '--user', 'u-001', '--scopes', 'orders:read orders:write', '--ttl', '43200'],
    { env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8' },
  );
  return result.status === 0 ? result.stdout.trim() : undefined;
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : `npm start failed: ${(error as Error).message}`);
  process.exit(1);
});
