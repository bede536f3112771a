import { ApolloGateway, LocalGraphQLDataSource, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { startTestStack, type TestStack } from '@bff/core/testing';
import { EXPERIENCE_SUBGRAPH_NAME } from '@bff/formats';
import { DEVELOPMENT_GATEWAY_SECRET, GATEWAY_CREDENTIAL_HEADER, type Database } from '@bff/platform';
import { disposeTestDatabase, openTestDatabase } from '@bff/platform/testing';
import { startTestRegistry, TEST_REGISTRY_TOKEN } from '@bff/schema/registry/testing';
import { webBff } from '@bff/web';

/**
 * Issue 14, done when: "A stock @apollo/gateway polls the registry over Uplink and serves a
 * new publish within its poll interval, with no failed request during the swap."
 *
 * Everything real, in this process: the five domain subgraphs (PGlite in memory, HTTP on
 * 127.0.0.1:0), the registry (PGlite) with its Uplink endpoint, and an unmodified
 * `ApolloGateway` in `@apollo/server` that knows nothing but the Uplink URL and the graph ref
 * `web@stock-gateway`. It adds only what any deployment of it over our subgraphs needs: the
 * gateway credential on each subgraph request, and the web experience subgraph served
 * in-process (as the BFF does), so the whole web graph is queryable.
 *
 * The registry starts with a catalog that lacks `Product.createdAt`, a field the running
 * catalog subgraph does serve; publishing the real catalog SDL then makes the field appear,
 * resolved with real data, while clients keep querying.
 */

/** The catalog field the first publish leaves out and the second one brings back. */
const FIELD = '  "When the product was first listed."\n  createdAt: DateTime!\n';
const SUBGRAPHS = ['accounts', 'catalog', 'inventory', 'reviews', 'orders'] as const;
const GRAPH_REF = 'web@stock-gateway';

/** What the clients keep asking during the swap: catalog, inventory, reviews and the in-process experience subgraph. */
const LOOP_QUERY = `query StorefrontProducts {
  products(first: 5) { nodes { id sku name price { formatted } inStock ratingSummary { average count } seo { title } } }
}`;
/** Valid only once the new catalog is served. */
const NEW_FIELD_QUERY = `query ProductsWithCreatedAt { products(first: 5) { nodes { sku createdAt } } }`;

/** Workers querying at once, and how many requests must complete before the publish and after the swap. */
const WORKERS = 4;
const BEFORE_PUBLISH = 40;
const AFTER_SWAP = 40;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

class CredentialDataSource extends RemoteGraphQLDataSource {
  override willSendRequest({ request }: Parameters<NonNullable<RemoteGraphQLDataSource['willSendRequest']>>[0]): void {
    request.http?.headers.set(GATEWAY_CREDENTIAL_HEADER, DEVELOPMENT_GATEWAY_SECRET);
  }
}

interface Outcome {
  status: number;
  body: any;
  /** Schema generations (counted by onSchemaLoadOrUpdate) when the request was sent and when its answer was read. */
  sentAt: number;
  answeredAt: number;
  failure?: string;
}

describe('a stock @apollo/gateway over the registry’s Uplink, in front of the real subgraphs', () => {
  let stack: TestStack;
  let db: Database;
  let registry: Awaited<ReturnType<typeof startTestRegistry>>;
  let server: ApolloServer;
  let gatewayUrl: string;
  let catalogSdl: string;
  /** 1 after the first load, 2 after the swap, … */
  let generation = 0;
  let swappedAt = 0;
  /** Requests @apollo/server began on one schema generation and answered on a later one (seen from inside the server). */
  let executedAcrossSwap = 0;
  const apiSchemaHas = { createdAt: false };

  const publish = async (subgraph: string, sdl: string, extra: { routingUrl?: string; force?: boolean; reason?: string } = {}) => {
    const response = await fetch(`${registry.url}/subgraphs/${subgraph}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_REGISTRY_TOKEN}` },
      body: JSON.stringify({ sdl, publishedBy: 'uplink-stock-gateway-e2e', ...extra }),
    });
    const body = (await response.json()) as any;
    if (response.status !== 201) throw new Error(`publishing ${subgraph} answered ${response.status}: ${JSON.stringify(body).slice(0, 2000)}`);
    return body;
  };

  const post = async (query: string): Promise<{ status: number; body: any }> => {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      return { status: response.status, body: text };
    }
  };

  beforeAll(async () => {
    stack = await startTestStack();
    db = await openTestDatabase('uplink_stock_gateway', 'pglite');
    // One second between polls (Apollo's Uplink says at least 10 s), so the swap comes quickly.
    registry = await startTestRegistry(db, { uplink: { minDelaySeconds: 1 } });

    // The registry bootstrapped rover.yaml (fixed local ports): point each subgraph at the one
    // started here, the catalog with its real SDL less one field: the state of a registry from
    // before that field. Removing a field that was never deprecated fails the checks' lint
    // (no registered operation uses it), so this setup step is forced, with its reason.
    for (const name of SUBGRAPHS) {
      const current = (await (await fetch(`${registry.url}/subgraphs/${name}`)).json()) as { sdl: string };
      const routingUrl = stack.subgraphUrls[name];
      if (name !== 'catalog') {
        await publish(name, current.sdl, { routingUrl });
        continue;
      }
      catalogSdl = current.sdl;
      if (!catalogSdl.includes(FIELD)) throw new Error(`the catalog SDL no longer has ${JSON.stringify(FIELD)}: pick another field to leave out`);
      await publish(name, catalogSdl.replace(FIELD, ''), { routingUrl, force: true, reason: 'test setup: a catalog from before Product.createdAt' });
    }

    const experience = buildSubgraphSchema({ typeDefs: webBff.experience!.typeDefs, resolvers: webBff.experience!.resolvers as any });
    const gateway = new ApolloGateway({
      uplinkEndpoints: [`${registry.url}/uplink`],
      logger: quiet,
      buildService: ({ name, url }) => (name === EXPERIENCE_SUBGRAPH_NAME ? new LocalGraphQLDataSource(experience) : new CredentialDataSource({ url })),
    });
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
      generation += 1;
      swappedAt = Date.now();
      apiSchemaHas.createdAt = 'createdAt' in (apiSchema.getType('Product') as any).getFields();
    });
    server = new ApolloServer({
      gateway,
      // The gateway's Uplink polls send this key and graph ref; nothing is reported to Apollo.
      apollo: { key: 'service:web:stock-gateway-e2e', graphRef: GRAPH_REF },
      plugins: [
        ApolloServerPluginUsageReportingDisabled(),
        {
          async requestDidStart() {
            const began = generation;
            return {
              async willSendResponse() {
                if (generation !== began) executedAcrossSwap += 1;
              },
            };
          },
        },
      ],
      logger: quiet,
    });
    ({ url: gatewayUrl } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } }));
  });

  afterAll(async () => {
    await server?.stop();
    await registry?.server.close();
    if (db) await disposeTestDatabase(db);
    await stack?.stop();
  });

  test('serves the whole web graph from the registry’s supergraph, without the field the catalog has not published', async () => {
    expect(generation).toBe(1);
    expect(apiSchemaHas.createdAt).toBe(false);
    const { status, body } = await post(LOOP_QUERY);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(body.data.products.nodes).toHaveLength(5);
    for (const product of body.data.products.nodes) {
      expect(product).toMatchObject({ sku: expect.any(String), price: { formatted: expect.any(String) }, seo: { title: expect.stringMatching(/Shop/) } });
      expect(typeof product.inStock).toBe('boolean');
      expect(product.ratingSummary).toMatchObject({ count: expect.any(Number) });
    }
    const early = await post(NEW_FIELD_QUERY);
    expect(early.status).toBe(400);
    expect(early.body.errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });

  test('serves a new catalog publish without a restart, and no request fails before, during or after the swap', async () => {
    const outcomes: Outcome[] = [];
    let report = () => '';
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const sentAt = generation;
        try {
          const { status, body } = await post(LOOP_QUERY);
          outcomes.push({ status, body, sentAt, answeredAt: generation });
        } catch (error) {
          outcomes.push({ status: 0, body: undefined, sentAt, answeredAt: generation, failure: String(error) });
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    try {
      await until(`${BEFORE_PUBLISH} requests are answered before the publish`, () => outcomes.length >= BEFORE_PUBLISH, 120_000);
      expect(generation).toBe(1);

      const publishedAt = Date.now();
      const published = await publish('catalog', catalogSdl);
      const publishAnsweredAt = Date.now();
      report = () => `publish answered after ${publishAnsweredAt - publishedAt} ms, gateway swapped ${swappedAt - publishedAt} ms after the publish was sent`;
      expect(published.clients.web.changed).toBe(true);

      // Served: the gateway has swapped and the new field resolves real data from the running catalog.
      let served: { status: number; body: any } | undefined;
      await until(
        'the stock gateway serves Product.createdAt',
        async () => {
          if (generation < 2) return false;
          served = await post(NEW_FIELD_QUERY);
          return served.status === 200;
        },
        120_000,
      );
      expect(served!.body.errors).toBeUndefined();
      expect(served!.body.data.products.nodes).toHaveLength(5);
      for (const product of served!.body.data.products.nodes) expect(Number.isNaN(Date.parse(product.createdAt))).toBe(false);

      const afterSwap = () => outcomes.filter((o) => o.sentAt >= 2).length;
      await until(`${AFTER_SWAP} requests sent after the swap are answered`, () => afterSwap() >= AFTER_SWAP, 120_000);
    } finally {
      stop = true;
      await Promise.all(workers);
    }

    expect(generation).toBe(2);
    expect(apiSchemaHas.createdAt).toBe(true);
    const failed = outcomes.filter((o) => o.failure || o.status !== 200 || o.body?.errors || o.body?.data?.products?.nodes?.length !== 5);
    expect(failed.map((o) => ({ status: o.status, failure: o.failure, body: JSON.stringify(o.body).slice(0, 500), sentAt: o.sentAt, answeredAt: o.answeredAt }))).toEqual([]);
    const before = outcomes.filter((o) => o.answeredAt === 1).length;
    const straddling = outcomes.filter((o) => o.sentAt === 1 && o.answeredAt === 2).length;
    const after = outcomes.filter((o) => o.sentAt === 2).length;
    expect(before).toBeGreaterThanOrEqual(BEFORE_PUBLISH);
    // With several clients always waiting on an answer, some are in flight when the schema is
    // swapped, and the server began executing some of them on the old schema (each spends most
    // of its time waiting on subgraphs), then answered them after the swap.
    expect(straddling).toBeGreaterThanOrEqual(1);
    expect(executedAcrossSwap).toBeGreaterThanOrEqual(1);
    expect(after).toBeGreaterThanOrEqual(AFTER_SWAP);
    expect(before + straddling + after).toBe(outcomes.length);
    if (process.env.UPLINK_E2E_REPORT) {
      console.log(`requests: ${outcomes.length} (${before} before the swap, ${straddling} in flight during it, ${after} after), none failed; ${executedAcrossSwap} begun by the server before the swap and answered after it; ${report()}`);
    }
  });
});
