import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { supergraphForGateway } from '@bff/formats';
import { composeSupergraph, loadSubgraphSources, readRoverConfig } from '@bff/schema';
import { dataset } from '@subgraphs/kit';
import { GATEWAY_CREDENTIAL_HEADER, REPO_ROOT, freePorts } from '@bff/platform';
import { LOCAL_STACK, portVariable } from './stack';
import { asUser } from '@subgraphs/kit/testing';
import { pidsWithEnv, startTsProcess, type TestProcess } from '@bff/platform/testing';

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/**
 * `npm start` end to end: five real processes on embedded storage (fresh data directories),
 * queried over HTTP, federated through a stock @apollo/gateway, then stopped with no orphans.
 */
describe('npm start (the local stack)', () => {
  const marker = `stack-e2e-${process.pid}-${Date.now()}`;
  const gatewaySecret = `stack-e2e-secret-${randomBytes(8).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'stack-e2e-'));
  const ports: Record<string, number> = {};
  let stack: TestProcess;

  const url = (name: string) => `http://127.0.0.1:${ports[name]}/graphql`;
  const post = async (name: string, query: string, variables?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(url(name), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [GATEWAY_CREDENTIAL_HEADER]: gatewaySecret, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as any, statements: Number(response.headers.get('x-sql-statements')) };
  };

  beforeAll(async () => {
    const env: Record<string, string> = { STACK_DATA_DIR: dataDir, STACK_TEST_MARKER: marker, GATEWAY_SECRET: gatewaySecret };
    const free = await freePorts(LOCAL_STACK.length);
    LOCAL_STACK.forEach((service, i) => {
      ports[service.name] = free[i]!;
      env[portVariable(service)] = String(ports[service.name]);
    });
    stack = startTsProcess('tools/stack/start-stack.ts', env);
    await stack.waitFor(/Press Ctrl-C to stop/);
  });

  afterAll(async () => {
    if (stack && stack.child.exitCode === null) stack.child.kill('SIGKILL');
    for (const pid of pidsWithEnv('STACK_TEST_MARKER', marker)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('prints one line per service with its URL', () => {
    for (const service of LOCAL_STACK) {
      const shown = `http://127.0.0.1:${ports[service.name]}${service.publicPath}`.replace(/[.]/g, '\\.');
      expect(stack.output()).toMatch(new RegExp(`^\\s+${service.name}\\s+${shown}$`, 'm'));
    }
  });

  test("the storefront's URL comes first, and it serves the app with the web BFF on the same origin", async () => {
    const storefront = `http://127.0.0.1:${ports.storefront}/`;
    const summary = stack.output().slice(stack.output().indexOf('Open the storefront'));
    expect(summary.match(/http:\/\/\S+/)?.[0]).toBe(storefront);
    const page = await fetch(storefront);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    // A route of the app (not a file) is the app too.
    expect((await fetch(`${storefront}p/AUD-0001`)).headers.get('content-type')).toContain('text/html');
    const viaStorefront = await fetch(`${storefront}graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ product(sku: "AUD-0001") { seo { title } } }' }),
    });
    const direct = await post('web-bff', '{ product(sku: "AUD-0001") { seo { title } } }');
    expect(viaStorefront.status).toBe(200);
    expect(await viaStorefront.json()).toEqual(direct.body);
    expect((await fetch(`http://127.0.0.1:${ports['mobile-app']}/`)).status).toBe(200);
  });

  test('every service is live and ready', async () => {
    for (const service of LOCAL_STACK) {
      const base = `http://127.0.0.1:${ports[service.name]}`;
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    }
  });

  test('an _entities query for 100 products across reviews returns correct data in 2 statements', async () => {
    const products = dataset().products.slice(0, 100);
    const { status, body, statements } = await post(
      'reviews',
      /* GraphQL */ `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id ratingSummary { count average } reviews(first: 2) { nodes { id product { id } } } } } }`,
      { r: products.map((p) => ({ __typename: 'Product', id: p.id })) },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toHaveLength(100);
    body.data._entities.forEach((entity: any, i: number) => {
      const reviews = dataset().reviews.filter((r) => r.productId === products[i]!.id);
      expect(entity.id).toBe(products[i]!.id);
      expect(entity.ratingSummary.count).toBe(reviews.length);
      expect(entity.ratingSummary.average).toBeCloseTo(reviews.reduce((s, r) => s + r.rating, 0) / reviews.length, 2);
      expect(entity.reviews.nodes.every((n: any) => n.product.id === products[i]!.id)).toBe(true);
    });
    expect(statements).toBe(2);
  });

  test('the five subgraphs federate: @requires, @provides and both Product keys work through a gateway', async () => {
    const config = readRoverConfig(join(REPO_ROOT, 'rover.yaml'));
    const sources = loadSubgraphSources(config.subgraphs).map((s) => ({ ...s, url: url(s.name) }));
    const composed = composeSupergraph(sources);
    if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
    // Stock @apollo/gateway, given the supergraph as it accepts it and the subgraphs' credential.
    class WithCredential extends RemoteGraphQLDataSource {
      override willSendRequest({ request }: Parameters<NonNullable<RemoteGraphQLDataSource['willSendRequest']>>[0]): void {
        request.http?.headers.set(GATEWAY_CREDENTIAL_HEADER, gatewaySecret);
      }
    }
    const gateway = new ApolloGateway({ supergraphSdl: supergraphForGateway(composed.supergraphSdl), buildService: ({ url }) => new WithCredential({ url }) });
    const server = new ApolloServer({ gateway });
    await server.start();
    try {
      const seed = dataset().products[0]!;
      const response = await server.executeOperation({
        query: /* GraphQL */ `
          query ($sku: String!) {
            product(sku: $sku) {
              id name price { formatted } inStock
              shippingEstimate { label }
              ratingSummary { count }
              reviews(first: 2) { nodes { author { name tier } } }
            }
          }`,
        variables: { sku: seed.sku },
      });
      const result = (response.body as any).singleResult;
      expect(result.errors).toBeUndefined();
      expect(result.data.product).toMatchObject({ id: seed.id, name: seed.name, inStock: expect.any(Boolean) });
      expect(result.data.product.shippingEstimate.label).toMatch(/in \d+–\d+ days$/);
      const tiers = result.data.product.reviews.nodes.map((n: any) => n.author.tier);
      expect(tiers.every((t: string) => ['STANDARD', 'SILVER', 'GOLD', 'PLATINUM'].includes(t))).toBe(true);
    } finally {
      await server.stop();
    }
  });

  test('each BFF serves its own schema over all five subgraphs, with its experience subgraph in-process', async () => {
    const web = await post(
      'web-bff',
      /* GraphQL */ `{ product(sku: "AUD-0001") { name richDescription seo { canonicalUrl } gallery { srcset } inStock ratingSummary { count } reviews(first: 1) { nodes { author { name } } } } }`,
    );
    expect(web.body.errors).toBeUndefined();
    expect(web.body.data.product).toMatchObject({ name: dataset().products[0]!.name, seo: { canonicalUrl: 'https://shop.example.com/products/aud-0001' } });
    const mobile = await post('mobile-bff', /* GraphQL */ `{ products(first: 2) { nodes { id card(dpr: 3) { priceLabel ratingBadge thumbnailUrl } } } }`);
    expect(mobile.body.errors).toBeUndefined();
    expect(mobile.body.data.products.nodes[0].card.thumbnailUrl).toMatch(/w=288&h=288&fit=crop$/);
    const hidden = await post('mobile-bff', /* GraphQL */ `{ product(id: "p-0001") { richDescription } }`);
    expect(hidden.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  test("orders reserves stock in this stack's inventory; no client can call the reservation API", async () => {
    const available = async () =>
      (await post('inventory', /* GraphQL */ `{ _entities(representations: [{ __typename: "Product", id: "p-0003" }]) { ... on Product { stock { available } } } }`))
        .body.data._entities[0].stock.available as number;
    const before = await available();
    const placed = await post(
      'orders',
      /* GraphQL */ `mutation { placeOrder(input: { idempotencyKey: "stack-e2e", lines: [{ productId: "p-0003", quantity: 2 }] }) { status } }`,
      undefined,
      asUser('u-001', ['orders:write']),
    );
    expect(placed.body).toEqual({ data: { placeOrder: { status: 'PLACED' } } });
    expect(await available()).toBe(before - 2);
    for (const bff of ['web-bff', 'mobile-bff']) {
      const internal = await post(bff, /* GraphQL */ `mutation { releaseStock(reservationId: "x") { status } }`);
      expect(internal.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  test('subgraphs refuse callers without the gateway credential; the BFFs have it', async () => {
    const direct = await fetch(url('orders'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ myOrders { nodes { id } } }' }) });
    expect(direct.status).toBe(401);
  });

  test('SIGTERM stops every service and leaves no process behind', async () => {
    // The launcher plus one Node process per service.
    expect(pidsWithEnv('STACK_TEST_MARKER', marker, true)).toHaveLength(LOCAL_STACK.length + 1);
    stack.child.kill('SIGTERM');
    expect(await stack.exited).toBe(0);
    expect(stack.output()).toMatch(/All services stopped/);
    await waitUntil(() => pidsWithEnv('STACK_TEST_MARKER', marker).length === 0, 5_000);
    expect(pidsWithEnv('STACK_TEST_MARKER', marker)).toEqual([]);
  });
});
