import { isClientName } from '@bff/formats';
import { ConfigError, listenOrExplain, readPort, readString, readTelemetryConfig, runService, ServiceTelemetry } from '@bff/platform';
import { createClientSite } from './client-site';

/**
 * A client app's built site on its own port, with its BFF's paths passed through, so the
 * page calls `/graphql` on its own origin: no CORS to open, and the BFF's CSRF rule sees a
 * same-site request. Environment: `CLIENT` (web or mobile), `PORT`, `HOST`, `BFF_URL` (the
 * BFF's `/graphql`; the stack sets it), `SERVICE_NAME` (what its log lines and metrics are
 * labelled with; default `<client>-app`).
 */
const client = process.env.CLIENT ?? '';
const serviceName = process.env.SERVICE_NAME ?? `${client}-app`;
runService(serviceName, async (service) => {
  let config;
  try {
    if (!isClientName(client)) throw new ConfigError(`CLIENT must be web or mobile, got "${client}"`);
    const bff = new URL(readString(process.env, 'BFF_URL', ''));
    config = {
      host: readString(process.env, 'HOST', '127.0.0.1'),
      port: readPort(process.env, 'PORT', 3000),
      bffOrigin: bff.origin,
      telemetry: readTelemetryConfig(serviceName),
    };
  } catch (error) {
    if (error instanceof ConfigError || error instanceof TypeError) return service.fail(`configuration error: ${(error as Error).message} (BFF_URL must be the BFF's URL)`, 2);
    throw error;
  }
  const server = createClientSite(client, { graphql: config.bffOrigin }, ServiceTelemetry.fromConfig(serviceName, config.telemetry));
  const url = await listenOrExplain(service, () => server.listen(config.port, config.host), config.port, config.host);
  service.onStop(() => server.close());
  service.log(`serving ${client} at ${url}, its BFF through ${config.bffOrigin}`);
});
