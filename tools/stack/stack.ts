import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGLITE_WASM_NODE_FLAGS, REPO_ROOT } from '@bff/platform';

/** The services that are deployed (deploy/k8s has one Deployment each); the client apps are served from a CDN there. */
export type ServerKind = 'subgraph' | 'registry' | 'bff';

/** One process `npm start` runs. */
export interface StackService {
  name: string;
  /**
   * Subgraphs are routed to by the BFFs, and the BFFs follow the registry: the launcher tells
   * each BFF where the subgraphs and the registry of this stack listen.
   */
  kind: ServerKind | 'client';
  /** TypeScript entry point, relative to the repository root. */
  entry: string;
  /** Extra `node` flags for this service's process. */
  nodeFlags?: readonly string[];
  /**
   * How `node` runs the TypeScript entry point. `tsx`: `--import tsx`, tsx's full loader
   * (ES-module hooks on a thread of their own, with a second V8 isolate, plus the CommonJS
   * hook). `tsx-cjs`: `--require tsx/cjs`, the CommonJS hook alone, for services whose code
   * is all CommonJS and never `import()`s a .ts file (about 15 MiB less RSS per process).
   * @default 'tsx'
   */
  loader?: 'tsx' | 'tsx-cjs';
  defaultPort: number;
  /** Path answering 200 once the service can take traffic. */
  readyPath: string;
  /** Path clients use, printed when the stack is up. */
  publicPath: string;
  /** A copy-paste request against the service's URL, printed when the stack is up. */
  example?: (url: string) => string;
  /**
   * Services of the stack it calls, as `{ VARIABLE: service }`: the launcher sets each
   * variable to where that service listens (the subgraph's `dependencies`, seen from outside).
   */
  calls?: Readonly<Record<string, string>>;
  /** Fixed variables of this service (e.g. which client app a client server serves). */
  env?: Readonly<Record<string, string>>;
  /** A client app, built (if its build is stale) before the stack starts: `clients/<app>`. */
  app?: 'web' | 'mobile';
}

/** The web app: a free-text POST (APQ works too). */
function webExample(url: string): string {
  const query = '{ product(sku: "AUD-0001") { name price { formatted } seo { title } inStock ratingSummary { average count } } }';
  return `curl -s ${url} -H 'content-type: application/json' -d '${JSON.stringify({ query })}'`;
}

/** A subgraph team: publish a schema change (the BFFs pick it up within seconds). */
function registryExample(url: string): string {
  return `REGISTRY_URL=${url} npm run schema:publish -- --subgraph catalog --sdl subgraphs/catalog/schema.graphql --by you`;
}

/** The mobile app: a hash-only GET of the feed from the newest app manifest. */
function mobileExample(url: string): string {
  const dir = resolve(REPO_ROOT, 'clients', 'mobile', 'releases');
  const newest = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().at(-1);
  const manifest = newest ? (JSON.parse(readFileSync(resolve(dir, newest), 'utf8')) as { operations: { id: string; name: string }[] }) : undefined;
  const feed = manifest?.operations.find((op) => op.name === 'MobileFeed');
  if (!feed) return `(no MobileFeed in clients/mobile/releases; run npm run mobile:release -- <version>)`;
  return `curl -s '${url}?documentId=sha256:${feed.id}' -H 'apollographql-client-name: mobile-app'`;
}

/**
 * A gateway allocates a whole response tree per request and drops it a moment later; a
 * larger young generation lets most of that die without being copied: fewer scavenges,
 * more requests per second (figures: tools/memory/README.md).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/**
 * Node flags of the services that run embedded PostgreSQL (PGlite): the five subgraphs and
 * the registry.
 * - PGLITE_WASM_NODE_FLAGS: PGlite's WASM stays on V8's baseline compiler (see there).
 * - `--max-semi-space-size=4`: a subgraph's per-request garbage is small, so a 4 MiB young
 *   generation (instead of up to 16 MiB) costs a few more cheap scavenges and saves RSS at
 *   no measurable CPU cost per request. (The BFFs want the opposite, see GATEWAY_NODE_FLAGS.)
 * With PGLITE_SETTINGS, the initdb child (platform's db/pglite.ts) and the `tsx-cjs` loader,
 * they keep a PGlite process to well under half its default size (tools/memory/README.md).
 */
export const EMBEDDED_DB_NODE_FLAGS: readonly string[] = [...PGLITE_WASM_NODE_FLAGS, '--max-semi-space-size=4'];

/** What the PGlite services share: their node flags and the CommonJS-only loader. */
const EMBEDDED_DB = { nodeFlags: EMBEDDED_DB_NODE_FLAGS, loader: 'tsx-cjs' } as const;

/** The server side of the stack, in start order: what deploy/k8s deploys. */
export const STACK: readonly (StackService & { kind: ServerKind })[] = [
  { name: 'accounts', kind: 'subgraph', entry: 'subgraphs/accounts/src/index.ts', ...EMBEDDED_DB, defaultPort: 4101, readyPath: '/health/ready', publicPath: '/graphql' },
  { name: 'catalog', kind: 'subgraph', entry: 'subgraphs/catalog/src/index.ts', ...EMBEDDED_DB, defaultPort: 4102, readyPath: '/health/ready', publicPath: '/graphql' },
  { name: 'inventory', kind: 'subgraph', entry: 'subgraphs/inventory/src/index.ts', ...EMBEDDED_DB, defaultPort: 4103, readyPath: '/health/ready', publicPath: '/graphql' },
  { name: 'reviews', kind: 'subgraph', entry: 'subgraphs/reviews/src/index.ts', ...EMBEDDED_DB, defaultPort: 4104, readyPath: '/health/ready', publicPath: '/graphql' },
  // Orders reserves stock in inventory when an order is placed and returns it on cancel.
  { name: 'orders', kind: 'subgraph', entry: 'subgraphs/orders/src/index.ts', ...EMBEDDED_DB, defaultPort: 4105, readyPath: '/health/ready', publicPath: '/graphql', calls: { INVENTORY_URL: 'inventory' } },
  { name: 'registry', kind: 'registry', entry: 'schema/registry/main.ts', ...EMBEDDED_DB, defaultPort: 4110, readyPath: '/health/ready', publicPath: '', example: registryExample },
  // The BFFs become ready once every subgraph has answered them, so they start last in effect.
  { name: 'web-bff', kind: 'bff', entry: 'bffs/web/src/index.ts', nodeFlags: GATEWAY_NODE_FLAGS, defaultPort: 4000, readyPath: '/health/ready', publicPath: '/graphql', example: webExample },
  { name: 'mobile-bff', kind: 'bff', entry: 'bffs/mobile/src/index.ts', nodeFlags: GATEWAY_NODE_FLAGS, defaultPort: 4001, readyPath: '/health/ready', publicPath: '/graphql', example: mobileExample },
];

/**
 * The client apps, each built from `clients/<app>` and served with its BFF's paths on the
 * same origin (tools/stack/serve-client.ts). Locally only: in production a CDN serves the
 * built files and routes `/graphql` to the BFF.
 */
export const CLIENT_APPS: readonly StackService[] = [
  { name: 'storefront', kind: 'client', app: 'web', entry: 'tools/stack/serve-client.ts', loader: 'tsx-cjs', env: { CLIENT: 'web', SERVICE_NAME: 'storefront' }, defaultPort: 3000, readyPath: '/health/ready', publicPath: '/', calls: { BFF_URL: 'web-bff' } },
  { name: 'mobile-app', kind: 'client', app: 'mobile', entry: 'tools/stack/serve-client.ts', loader: 'tsx-cjs', env: { CLIENT: 'mobile', SERVICE_NAME: 'mobile-app' }, defaultPort: 3001, readyPath: '/health/ready', publicPath: '/', calls: { BFF_URL: 'mobile-bff' } },
];

/** Everything `npm start` runs. */
export const LOCAL_STACK: readonly StackService[] = [...STACK, ...CLIENT_APPS];

export const entryPath = (service: StackService) => resolve(REPO_ROOT, service.entry);

/** `catalog` → `CATALOG_PORT`: the variable that moves one service of the stack. */
export const portVariable = (service: StackService) => `${service.name.toUpperCase().replace(/-/g, '_')}_PORT`;
