import { ServiceTelemetry } from '@bff/platform';
import { launchBrowser, screenshotDir } from '@bff/platform/testing';
import type { BrowserContextOptions, Page, Request } from 'playwright-core';
import { createClientSite, ensureClientBuilt, type ClientSiteTargets } from '../stack';

export interface ClientInBrowser {
  /** The app's origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  page: Page;
  /** Every request the page sent to `/graphql`, in order. */
  graphqlRequests: Request[];
  /** Where this suite's screenshots go (printed once). */
  screenshots: string;
  close(): Promise<void>;
}

/**
 * A client app as `npm start` serves it (built if stale, its BFF's paths on its own
 * origin), open in a fresh headless Chromium page whose GraphQL requests are recorded.
 */
export async function openClientInBrowser(client: 'web' | 'mobile', targets: ClientSiteTargets, context: BrowserContextOptions): Promise<ClientInBrowser> {
  ensureClientBuilt(client);
  const site = createClientSite(client, targets, ServiceTelemetry.quiet(`${client}-app`));
  const url = await site.listen(0, '127.0.0.1');
  const chromium = await launchBrowser(context);
  const page = await chromium.context.newPage();
  const graphqlRequests: Request[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/graphql') graphqlRequests.push(request);
  });
  const screenshots = screenshotDir(client);
  console.log(`${client} app screenshots: ${screenshots}`);
  return {
    url,
    page,
    graphqlRequests,
    screenshots,
    close: async () => {
      await chromium.close();
      await site.close();
    },
  };
}
