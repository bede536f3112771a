import * as parser from 'graphql/language/parser';
import * as validation from 'graphql/validation/validate';
import { specifiedRules, type DocumentNode } from 'graphql';
import { webBff } from '@bff/web';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

// One stack for the file: a request's way through the BFF, and what reaches the subgraphs.
let stack: TestStack;
let web: TestBff;
beforeAll(async () => {
  stack = await startTestStack();
  web = await stack.bff(webBff);
});
afterAll(async () => {
  jest.restoreAllMocks();
  await stack?.stop();
});

/**
 * A request's document is parsed and fully validated once per text, by the gate, and what
 * the gate admitted goes straight to planning and execution: no second parse, no second
 * validation, however many requests send the same text.
 */
describe('one parse per request text', () => {
  test('five requests with one text: one parse, one full validation, five answers', async () => {
    const parse = jest.spyOn(parser, 'parse');
    const validate = jest.spyOn(validation, 'validate');
    // A text no other test sends, so nothing has it cached yet.
    const query = 'query OneParse($first: Int!) { products(first: $first) { nodes { id name } } }';
    for (const first of [1, 2, 2, 3, 1]) {
      const { status, body } = await web.post({ query, variables: { first } });
      expect(status).toBe(200);
      expect(body.data.products.nodes).toHaveLength(first);
    }
    const parsesOfQuery = parse.mock.calls.filter(([source]) => (typeof source === 'string' ? source : source.body) === query);
    expect(parsesOfQuery).toHaveLength(1);
    const document = parse.mock.results[parse.mock.calls.indexOf(parsesOfQuery[0]!)]!.value as DocumentNode;
    const fullValidations = validate.mock.calls.filter(([, doc, rules]) => doc === document && (rules ?? specifiedRules).length >= specifiedRules.length);
    expect(fullValidations).toHaveLength(1);
    parse.mockRestore();
    validate.mockRestore();
  });
});

describe('what the BFF sends to subgraphs', () => {
  test('subgraph fetches reuse keep-alive connections', async () => {
    const catalog = stack.subgraphs.catalog!;
    await web.post({ query: '{ product(id: "p-0001") { name } }' }); // warm up one connection
    const before = catalog.connections();
    for (let i = 0; i < 20; i++) {
      const { body } = await web.post({ query: `{ product(id: "p-00${10 + i}") { name } }` });
      expect(body.errors).toBeUndefined();
    }
    // Sequential requests need one socket; a fresh connection per fetch would show 20.
    expect(catalog.connections() - before).toBeLessThanOrEqual(1);
  });

  test('identity, client name/version and the request id reach the subgraphs', async () => {
    const headers = {
      ...(await bearer('u-007', ['orders:read'])),
      'apollographql-client-name': 'web-app',
      'apollographql-client-version': '2026.11.1',
      'x-request-id': 'req-abc-123',
    };
    const { body } = await web.post({ query: '{ me { id } myOrders(first: 1) { nodes { customer { id } } } }' }, headers);
    expect(body.errors).toBeUndefined();
    expect(body.data.me.id).toBe('u-007');
    expect(body.data.myOrders.nodes[0].customer.id).toBe('u-007');
    for (const name of ['accounts', 'orders']) {
      const seen = stack.subgraphs[name]!.receivedHeaders().at(-1)!;
      expect(seen).toMatchObject({ ...headers, 'x-user-id': 'u-007', 'x-user-scopes': 'orders:read' });
    }
  });

  test('a request without an id gets one, and an implausible id is replaced', async () => {
    await web.post({ query: '{ me { id } }' }, { ...(await bearer('u-001')), 'x-request-id': 'bad id with spaces and $igns' });
    const seen = stack.subgraphs.accounts!.receivedHeaders().at(-1)!;
    expect(seen['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('readiness', () => {
  test('a BFF is not ready while one of its subgraphs has never answered', async () => {
    const { readFileSync } = await import('node:fs');
    const { checkedInSupergraph, createBffServer } = await import('../src');
    const { freePort } = await import('@bff/platform');
    const nowhere = `http://127.0.0.1:${await freePort()}/graphql`;
    const bff = createBffServer({
      policy: webBff.policy,
      experience: webBff.experience,
      supergraphSdl: readFileSync(checkedInSupergraph('web'), 'utf8'),
      subgraphUrls: { accounts: nowhere, catalog: nowhere, inventory: nowhere, reviews: nowhere, orders: nowhere },
    });
    const url = await bff.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      expect((await fetch(`${url}/health/ready`)).status).toBe(503);
    } finally {
      await bff.stop();
    }
  });
});
