import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { clientOperation } from '@bff/schema';
import { parse, print, visit } from 'graphql';
import { deepMerge } from '../src/gateway/plan-node-runner';
import { startFaultProxy } from './support/fault-proxy';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

const operation = clientOperation;

/** The same operation without @defer: what stock @apollo/gateway can run, and what the kit answers a caller that does not read parts. */
function withoutDefer(body: unknown): unknown {
  const request = body as { query?: string };
  if (!request.query?.includes('@defer')) return body;
  const query = print(visit(parse(request.query), { Directive: (node) => (node.name.value === 'defer' ? null : undefined) }));
  return { ...request, query };
}

/**
 * The kit runs query plans itself (plan-executor.ts). Whatever it answers, stock
 * @apollo/gateway's executor must answer byte for byte the same, over the same subgraphs:
 * every registered client operation, cursors, @requires chains, nulls, errors, introspection.
 */
describe("the kit's plan executor answers as stock @apollo/gateway's", () => {
  let stack: TestStack;
  const bffs: Record<string, { kit: TestBff; hive: TestBff; stock: TestBff }> = {};

  beforeAll(async () => {
    stack = await startTestStack();
    for (const definition of [webBff, mobileBff]) {
      bffs[definition.policy.name] = {
        kit: await stack.bff(definition, 'development', { planExecutor: 'bff', queryPlanner: 'apollo' }),
        hive: await stack.bff(definition, 'development', { planExecutor: 'bff', queryPlanner: 'hive' }),
        stock: await stack.bff(definition, 'development', { planExecutor: 'apollo' }),
      };
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const cases: [client: string, title: string, body: () => Promise<{ body: unknown; headers?: Record<string, string> }>][] = [
    ['web', 'HomePage', async () => ({ body: { query: operation('web', 'HomePage'), variables: { first: 12 } } })],
    ['web', 'HomePage, second page', async () => ({ body: { query: operation('web', 'HomePage'), variables: { first: 5, after: 'bm90LWEtY3Vyc29y' } } })],
    ['web', 'ProductPage', async () => ({ body: { query: operation('web', 'ProductPage'), variables: { sku: 'AUD-0001' } } })],
    ['web', 'ProductPage of no product', async () => ({ body: { query: operation('web', 'ProductPage'), variables: { sku: 'NOPE-0000' } } })],
    ['mobile', 'MobileFeed', async () => ({ body: { query: operation('mobile', 'MobileFeed'), variables: { first: 7, dpr: 3 } } })],
    ['mobile', 'ProductDetail', async () => ({ body: { query: operation('mobile', 'ProductDetail'), variables: { id: 'p-0002' } } })],
    ['mobile', 'Me', async () => ({ body: { query: operation('mobile', 'Me') }, headers: await bearer('u-001') })],
    ['mobile', 'MyOrders', async () => ({ body: { query: operation('mobile', 'MyOrders'), variables: { first: 3 } }, headers: await bearer('u-001', ['orders:read']) })],
    ['web', 'aliases, fragments, __typename, @include/@skip', async () => ({
      body: {
        query: /* GraphQL */ `query ($withStock: Boolean!) {
          a: products(first: 2) { nodes { __typename ...Tile } }
          b: products(first: 1, after: null) { nodes { id n: name stock @include(if: $withStock) { status } reviews(first: 1) @skip(if: $withStock) { nodes { id } } } }
        }
        fragment Tile on Product { id name ratingSummary { average } ... on Product { inStock } }`,
        variables: { withStock: true },
      },
    })],
    ['web', 'a user and their reviews (@provides)', async () => ({
      body: { query: '{ products(first: 3) { nodes { reviews(first: 2) { nodes { author { name reviews(first: 1) { nodes { product { name sku } } } } } } } } }' },
    })],
    ['web', 'introspection next to data', async () => ({ body: { query: '{ __typename products(first: 1) { nodes { id } } __type(name: "Product") { name fields { name } } }' } })],
    ['web', 'a variable of the wrong type', async () => ({ body: { query: 'query ($n: Int) { products(first: $n) { nodes { id } } }', variables: { n: 'ten' } } })],
    ['web', 'a subgraph error (bad cursor)', async () => ({ body: { query: '{ products(first: 2, after: "%%%") { nodes { id } } }' } })],
  ];

  test.each(cases)('%s: %s', async (client, _title, make) => {
    const { body, headers } = await make();
    const [kit, hive, stock] = await Promise.all([bffs[client]!.kit.post(body, headers), bffs[client]!.hive.post(body, headers), bffs[client]!.stock.post(withoutDefer(body), headers)]);
    for (const ours of [kit, hive]) {
      expect(ours.status).toBe(stock.status);
      expect(JSON.stringify(ours.body)).toBe(JSON.stringify(stock.body));
      expect(ours.headers.get('cache-control')).toBe(stock.headers.get('cache-control'));
    }
  });

  test('with a subgraph down, both answer the same partial data and errors', async () => {
    const reviews = await startFaultProxy(stack.subgraphUrls.reviews!);
    try {
      reviews.mode = 'reset';
      const subgraphUrls = { ...stack.subgraphUrls, reviews: reviews.url };
      const kit = await stack.bff(webBff, 'development', { planExecutor: 'bff', queryPlanner: 'apollo', subgraphUrls });
      const hive = await stack.bff(webBff, 'development', { planExecutor: 'bff', queryPlanner: 'hive', subgraphUrls });
      const stock = await stack.bff(webBff, 'development', { planExecutor: 'apollo', subgraphUrls });
      const body = { query: '{ products(first: 3) { nodes { name ratingSummary { average histogram { stars } } reviews(first: 1) { nodes { id author { name } } } } } }' };
      const [a, h, b] = await Promise.all([kit.post(body), hive.post(body), stock.post(body)]);
      expect(a.body.errors.length).toBeGreaterThan(0);
      expect(JSON.stringify(a.body)).toBe(JSON.stringify(b.body));
      expect(JSON.stringify(h.body)).toBe(JSON.stringify(b.body));
    } finally {
      await reviews.stop();
    }
  });

  test("the Hive planner's plans send fewer subgraph fetches: one request for a level's entities at several paths", async () => {
    // Two lists of products (the first three in both) whose ratings come from reviews: Apollo's
    // plan fetches each list's ratings on its own; the Hive planner's asks reviews once, for the
    // five distinct products.
    const query = '{ a: products(first: 3) { nodes { name ratingSummary { count } } } b: products(first: 5) { nodes { sku ratingSummary { average } } } }';
    const fetchesOf = async (bff: TestBff) => {
      const before = await subgraphOperations();
      const answer = await bff.post({ query });
      expect(answer.body.errors).toBeUndefined();
      return { fetches: (await subgraphOperations()) - before, body: JSON.stringify(answer.body) };
    };
    const apollo = await fetchesOf(bffs.web!.kit);
    const hive = await fetchesOf(bffs.web!.hive);
    expect(hive.body).toBe(apollo.body);
    expect(hive.fetches).toBeLessThan(apollo.fetches);
  });

  /** Operations the five subgraphs have answered so far (each subgraph fetch is one). */
  const subgraphOperations = async () => {
    let total = 0;
    for (const subgraph of Object.values(stack.subgraphs)) {
      const text = await (await fetch(`${subgraph.url}/metrics`)).text();
      for (const line of text.split('\n')) if (line.startsWith('graphql_operations_total{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return total;
  };

  test('deepMerge merges objects key by key and lists element by element, in place', () => {
    const target = { a: 1, b: { c: 2, list: [{ x: 1 }, { x: 2 }] }, keep: 'yes' };
    deepMerge(target, { a: 3, b: { d: 4, list: [{ y: 1 }, { y: 2 }] }, skip: undefined });
    expect(target).toEqual({ a: 3, b: { c: 2, d: 4, list: [{ x: 1, y: 1 }, { x: 2, y: 2 }] }, keep: 'yes' });
  });
});
