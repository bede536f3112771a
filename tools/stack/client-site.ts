import { resolve } from 'node:path';
import { clientFiles } from '@bff/formats';
import { createStaticSiteServer, type ServiceHttpServer, type ServiceTelemetry } from '@bff/platform';

/** Where a client app's requests go: its BFF's `/graphql`, and the BFF that signs visitors in (`/auth/`). */
export interface ClientSiteTargets {
  graphql: string;
  auth?: string;
}

/**
 * A client app's built site (`clients/<client>/dist`) with its BFF's paths passed through,
 * so the page calls `/graphql` on its own origin: `npm start` and the browser tests serve
 * the apps this one way.
 */
export function createClientSite(client: string, targets: ClientSiteTargets, telemetry: ServiceTelemetry): ServiceHttpServer {
  return createStaticSiteServer({
    root: resolve(clientFiles(client).appDir, 'dist'),
    proxy: [
      { prefix: '/graphql', target: new URL(targets.graphql).origin },
      { prefix: '/auth/', target: new URL(targets.auth ?? targets.graphql).origin },
    ],
    telemetry,
  });
}
