import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { BatchHttpLink } from '@apollo/client/link/batch-http';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { REPO_ROOT } from '@bff/platform';
import { getOperationAST, type DocumentNode } from 'graphql';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import type { PersistedQueryManifest } from '@bff/formats';
import { sha256Hex } from '@bff/formats';
import { clientOperation } from '@bff/schema';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

const operation = (client: string, name: string): DocumentNode => gql(clientOperation(client, name));

/** Every request the client made: method, and whether it carried query text. */
function recordingFetch(log: { method: string; withQuery: boolean; batch: boolean }[]): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const first = Array.isArray(body) ? body[0] : body;
    log.push({
      method: init?.method ?? 'GET',
      withQuery: Boolean(first?.query ?? url.searchParams.get('query')),
      batch: Array.isArray(body),
    });
    return fetch(input, init);
  };
}

/** Real @apollo/client 4 clients against both BFFs over real HTTP. */
describe('@apollo/client 4 against the BFFs', () => {
  let stack: TestStack;
  let web: TestBff;
  let mobile: TestBff;
  beforeAll(async () => {
    stack = await startTestStack();
    web = await stack.bff(webBff, 'production');
    mobile = await stack.bff(mobileBff, 'production');
  });
  afterAll(() => stack?.stop());

  test('web: queries with automatic persisted queries, registering once, then hash-only GETs', async () => {
    const log: { method: string; withQuery: boolean; batch: boolean }[] = [];
    const webClient = () =>
      new ApolloClient({
        cache: new InMemoryCache(),
        // The storefront's product page defers its reviews, as the app's own client reads them.
        incrementalHandler: new Defer20220824Handler(),
        link: new PersistedQueryLink({ sha256: sha256Hex, useGETForHashedQueries: true }).concat(
          new HttpLink({ uri: web.url, fetch: recordingFetch(log), headers: { 'apollographql-client-name': 'web-app', 'apollographql-client-version': '2026.11.1' } }),
        ),
      });
    const first = await webClient().query({ query: operation('web', 'ProductPage'), variables: { sku: 'CAM-0003' } });
    expect(first.error).toBeUndefined();
    expect(first.data).toMatchObject({ product: { seo: { canonicalUrl: 'https://shop.example.com/products/cam-0003' }, reviews: { nodes: expect.any(Array) } } });
    // A miss (hash-only GET), then the registration (POST with the query text).
    expect(log).toEqual([
      { method: 'GET', withQuery: false, batch: false },
      { method: 'POST', withQuery: true, batch: false },
    ]);

    log.length = 0;
    const again = await webClient().query({ query: operation('web', 'ProductPage'), variables: { sku: 'CAM-0003' } });
    expect(again.data).toEqual(first.data);
    expect(log).toEqual([{ method: 'GET', withQuery: false, batch: false }]);
  });

  describe('mobile', () => {
    const manifest = JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases/1.1.0.json'), 'utf8')) as PersistedQueryManifest;
    // The app ships with its manifest: it sends the id registered for each operation, never the text.
    const idFromManifest = (document: DocumentNode) => {
      const name = getOperationAST(document)?.name?.value;
      const id = manifest.operations.find((op) => op.name === name)?.id;
      if (!id) throw new Error(`operation ${name} is not in the app manifest`);
      return id;
    };

    test('sends hash-only GETs from the app manifest', async () => {
      const log: { method: string; withQuery: boolean; batch: boolean }[] = [];
      const client = new ApolloClient({
        cache: new InMemoryCache(),
        link: new PersistedQueryLink({ generateHash: idFromManifest, useGETForHashedQueries: true }).concat(
          new HttpLink({ uri: mobile.url, fetch: recordingFetch(log), headers: { 'apollographql-client-name': 'mobile-app', 'apollographql-client-version': '1.1.0' } }),
        ),
      });
      const feed = await client.query({ query: operation('mobile', 'MobileFeed'), variables: { first: 5, dpr: 3 } });
      expect(feed.error).toBeUndefined();
      expect((feed.data as any).products.nodes).toHaveLength(5);
      expect((feed.data as any).products.nodes[0].card.thumbnailUrl).toMatch(/w=288/);
      expect(log).toEqual([{ method: 'GET', withQuery: false, batch: false }]);
    });

    test('batches a screen of four operations into one POST, across all five subgraphs', async () => {
      const log: { method: string; withQuery: boolean; batch: boolean }[] = [];
      const client = new ApolloClient({
        cache: new InMemoryCache(),
        link: new PersistedQueryLink({ generateHash: idFromManifest }).concat(
          new BatchHttpLink({
            uri: mobile.url,
            batchMax: mobileBff.policy.limits.maxBatchSize,
            batchInterval: 20,
            fetch: recordingFetch(log),
            headers: { 'apollographql-client-name': 'mobile-app', ...(await bearer('u-003', ['orders:read'])) },
          }),
        ),
      });
      // catalog + reviews (feed), inventory (detail), accounts (me), orders (my orders).
      const [feed, detail, me, orders] = await Promise.all([
        client.query({ query: operation('mobile', 'MobileFeed'), variables: { first: 2 } }),
        client.query({ query: operation('mobile', 'ProductDetail'), variables: { id: 'p-0010' } }),
        client.query({ query: operation('mobile', 'Me') }),
        client.query({ query: operation('mobile', 'MyOrders') }),
      ]);
      expect((feed.data as any).products.nodes).toHaveLength(2);
      expect((feed.data as any).products.nodes[0].card.ratingBadge).toMatch(/★/);
      expect((detail.data as any).product).toMatchObject({ id: 'p-0010', shippingEstimate: { label: expect.stringMatching(/days$/) } });
      expect((me.data as any).me.id).toBe('u-003');
      expect((orders.data as any).myOrders.nodes.length).toBeGreaterThan(0);
      expect(log).toEqual([{ method: 'POST', withQuery: false, batch: true }]);
    });
  });
});
