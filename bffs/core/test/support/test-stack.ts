import { readFileSync } from 'node:fs';
import { accountsSubgraph } from '@subgraphs/accounts';
import { catalogSubgraph } from '@subgraphs/catalog';
import { inventorySubgraph } from '@subgraphs/inventory';
import type { DataChanges, ServiceTelemetry } from '@bff/platform';
import { startTestSubgraph, type TestSubgraph } from '@subgraphs/kit/testing';
import { ordersSubgraph } from '@subgraphs/orders';
import { reviewsSubgraph } from '@subgraphs/reviews';
import { checkedInSupergraph, createBffServer, DEVELOPMENT_JWT, mintToken, type BffDefinition, type BffMode, type BffServer, type BffServerOptions } from '../../src';
import type { SubgraphFetchPolicy } from '@bff/formats';

export interface TestBff {
  url: string;
  server: BffServer;
  /** POSTs a JSON body (an operation or a batch) to /graphql. */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  /** GETs /graphql with these query parameters (objects are JSON-encoded). */
  get(params: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

export interface TestStack {
  /** The domain subgraphs by name. */
  subgraphs: Record<string, TestSubgraph>;
  /** Each subgraph's /graphql URL, by name. */
  subgraphUrls: Readonly<Record<string, string>>;
  /**
   * A BFF over the stack; `options` override the server's (e.g. route a subgraph through a
   * proxy). Without rate limits or a response cache unless `options.rateLimitBuckets` /
   * `options.responseStore` say where to keep them: tests send many requests from one
   * address and read what they just wrote; the tests of those features set their own.
   */
  bff(definition: BffDefinition, mode?: BffMode, options?: Partial<BffServerOptions>): Promise<TestBff>;
  stop(): Promise<void>;
}

/**
 * The five domain subgraphs in this process (PGlite in memory, real HTTP on 127.0.0.1),
 * and BFFs over them built from the checked-in client supergraphs.
 */
export async function startTestStack(
  overrides: {
    catalog?: typeof catalogSubgraph;
    /** Telemetry of each subgraph by name (logs into a CapturedLog, spans to a receiver). @default quiet */
    telemetry?: (service: string) => ServiceTelemetry;
    /** Where the subgraphs announce data changes (Redis, as replicas in other processes would hear them). @default within this process */
    dataChanges?: () => DataChanges;
  } = {},
): Promise<TestStack> {
  const { telemetry, dataChanges } = overrides;
  const [accounts, catalog, inventory, reviews] = await Promise.all(
    [accountsSubgraph, overrides.catalog ?? catalogSubgraph, inventorySubgraph, reviewsSubgraph].map((d: any) => startTestSubgraph(d, 'pglite', { telemetry, dataChanges })),
  );
  // Orders reserves stock in this stack's inventory, so what the BFFs sell shows in its stock.
  const orders = await startTestSubgraph(ordersSubgraph, 'pglite', { env: { INVENTORY_URL: `${inventory!.url}/graphql` }, telemetry, dataChanges });
  const subgraphs: TestSubgraph[] = [accounts!, catalog!, inventory!, reviews!, orders];
  const subgraphUrls = Object.fromEntries(
    ['accounts', 'catalog', 'inventory', 'reviews', 'orders'].map((name, i) => [name, `${subgraphs[i]!.url}/graphql`]),
  );
  const bffs: BffServer[] = [];
  const names = ['accounts', 'catalog', 'inventory', 'reviews', 'orders'];
  return {
    subgraphs: Object.fromEntries(names.map((name, i) => [name, subgraphs[i]!])),
    subgraphUrls,
    bff: async (definition, mode = 'development', options = {}) => {
      const server = createBffServer({
        policy: definition.policy,
        experience: definition.experience,
        supergraphSdl: readFileSync(checkedInSupergraph(definition.policy.name), 'utf8'),
        subgraphUrls,
        mode,
        rateLimitBuckets: false,
        responseStore: false,
        ...options,
      });
      bffs.push(server);
      const url = `${await server.listen(0, '127.0.0.1')}/graphql`;
      const read = async (response: Response) => {
        const text = await response.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON; the test sees the text
        }
        return { status: response.status, body, headers: response.headers };
      };
      return {
        url,
        server,
        post: async (body, headers = {}) =>
          read(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })),
        get: async (params, headers = {}) => {
          const search = new URLSearchParams();
          for (const [name, value] of Object.entries(params)) search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
          // Apollo's CSRF prevention wants a non-simple header on GETs; real clients send one.
          return read(await fetch(`${url}?${search}`, { headers: { 'apollo-require-preflight': 'true', ...headers } }));
        },
      };
    },
    stop: async () => {
      await Promise.all(bffs.map((b) => b.stop()));
      await Promise.all(subgraphs.map((s) => s.stop()));
    },
  };
}

/** `Authorization` header of a signed-in user, as the BFFs accept it in development. */
export async function bearer(user: string, scopes: string[] = []): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await mintToken(DEVELOPMENT_JWT, user, scopes)}` };
}

/** A BFF definition with other subgraph-fetch settings (short waits, dedup on or off) for a test. */
export function withFetchPolicy(definition: BffDefinition, subgraphFetch: Partial<SubgraphFetchPolicy>): BffDefinition {
  return { ...definition, policy: { ...definition.policy, subgraphFetch: { ...definition.policy.subgraphFetch, ...subgraphFetch } } };
}
