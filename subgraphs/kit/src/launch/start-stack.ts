import { ConfigError } from '../config/env';
import { spawnStack, stopAll, waitForStack } from './launcher';
import { STACK } from './stack';

/**
 * `npm start`: every service as its own process, one line per service once all are
 * ready, and a clean stop of all of them on Ctrl-C / SIGTERM (also during start-up), or
 * when any one dies.
 */
async function main(): Promise<void> {
  const started = Date.now();
  console.log(`Starting ${STACK.length} services (first start creates and seeds the embedded databases)…`);
  const options = { env: process.env, log: (line: string) => console.log(line) };
  const running = spawnStack(STACK, options);

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
  console.log(`\nAll services ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const { service, url } of running) console.log(`  ${service.name.padEnd(10)} ${url}${service.publicPath}`);
  const production = process.env.NODE_ENV === 'production';
  console.log(
    production
      ? '\nProduction policies: mobile runs persisted queries only, introspection per client policy.'
      : '\nDevelopment mode: introspection on for both BFFs, free-text queries allowed on mobile (NODE_ENV=production npm start for production policies).',
  );
  for (const { service, url } of running) {
    if (service.example) console.log(`\nTry ${service.name}:\n  ${service.example(`${url}${service.publicPath}`)}`);
  }
  console.log('\nPress Ctrl-C to stop.');
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : `npm start failed: ${(error as Error).message}`);
  process.exit(1);
});
