import { GATEWAY_CREDENTIAL_HEADER } from '@bff/platform';
import { applyContract } from '@bff/schema';
import { buildSchema, lexicographicSortSchema, parse, print, printSchema, validate } from 'graphql';
import { hiveClientSupergraphGaps } from './hive';
import { benchOperations, directSubgraphRequest, dropKeys, projectOperation, requestBytes, wireRequest, type BenchOperation, type OperationCall, type ProjectedOperation } from './operations';
import { clientApiSchema, clientSupergraphForAnchors, composeDomainSupergraph } from './supergraph';

const URLS = {
  accounts: 'http://127.0.0.1:1/graphql',
  catalog: 'http://127.0.0.1:2/graphql',
  inventory: 'http://127.0.0.1:3/graphql',
  reviews: 'http://127.0.0.1:4/graphql',
  orders: 'http://127.0.0.1:5/graphql',
  experience: 'http://127.0.0.1:6/graphql',
};

const client = buildSchema(/* GraphQL */ `
  type Query { products(first: Int): [Product!]! product(id: ID!): Product }
  type Product { id: ID! name: String! card(dpr: Int): Card! seo: Seo! extras: Extras! category: Category! }
  type Card { title: String! thumbnailUrl: String! }
  type Seo { title: String! }
  type Extras { badge: String! }
  type Category { id: ID! seo: String! }
`);
const domain = buildSchema(/* GraphQL */ `
  type Query { products(first: Int): [Product!]! product(id: ID!): Product }
  type Product { id: ID! name: String! category: Category! }
  type Category { id: ID! seo: String! }
`);

describe('projectOperation', () => {
  it('removes the fields the target schema lacks, by parent type, and the variables only they used', () => {
    const projected = projectOperation(
      /* GraphQL */ `
        query Feed($first: Int = 20, $dpr: Int = 2) {
          products(first: $first) { id tile: card(dpr: $dpr) { title } seo { title } category { id seo } }
        }`,
      client,
      domain,
    );
    expect(projected.removedFields).toEqual(['Product.card', 'Product.seo']);
    expect(projected.removedKeys).toEqual(['seo', 'tile']);
    expect(projected.removedVariables).toEqual(['dpr']);
    // Category.seo exists in the domain schema and stays.
    expect(projected.document).toBe(print(parse('query Feed($first: Int = 20) { products(first: $first) { id category { id seo } } }')));
  });

  it('removes a field whose whole selection was removed', () => {
    const client2 = buildSchema(/* GraphQL */ `
      type Query { product(id: ID!): Product }
      type Product { id: ID! wrapper: Wrapper! }
      type Wrapper { card: String! }
    `);
    const domain2 = buildSchema(/* GraphQL */ `
      type Query { product(id: ID!): Product }
      type Product { id: ID! wrapper: Wrapper! }
      type Wrapper { other: String! }
    `);
    const projected = projectOperation('{ product(id: "p-1") { id wrapper { card } } }', client2, domain2);
    expect(projected.document).toBe(print(parse('{ product(id: "p-1") { id } }')));
    expect(projected.removedKeys).toEqual(['card', 'wrapper']);
  });

  it('leaves an operation the target schema fully serves as it is', () => {
    const text = print(parse('query P($id: ID!) { product(id: $id) { id name } }'));
    expect(projectOperation(text, client, domain)).toEqual({ document: text, removedKeys: [], removedFields: [], removedVariables: [] });
  });
});

describe('the anchors\' client supergraphs', () => {
  const supergraphs = { web: clientSupergraphForAnchors('web', URLS), mobile: clientSupergraphForAnchors('mobile', URLS) };

  it.each(['web', 'mobile'] as const)('%s: every routing URL is this run\'s, the experience subgraph\'s included, and the SECURITY links are demoted', (client) => {
    const sdl = supergraphs[client];
    const routed = [...sdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)].map(([, name, url]) => [name, url]);
    expect(Object.fromEntries(routed)).toEqual(URLS);
    expect(sdl).not.toContain('in-process://');
    expect(sdl).toMatch(/specs\.apollo\.dev\/authenticated\/v[\d.]+"\)/);
    expect(sdl).not.toMatch(/specs\.apollo\.dev\/(authenticated|requiresScopes)\/v[\d.]+",\s*for: SECURITY/);
  });

  it.each(['web', 'mobile'] as const)('%s: has exactly the API schema the client\'s app is written against (the contract, experience fields included)', (client) => {
    const api = buildSchema(applyContract(supergraphs[client], { excludeTags: [] }).apiSchemaSdl);
    expect(printSchema(lexicographicSortSchema(api))).toBe(printSchema(lexicographicSortSchema(clientApiSchema(client))));
  });

  it('refuses a run without a URL for one of the subgraphs', () => {
    const { experience: _none, ...domainOnly } = URLS;
    expect(() => clientSupergraphForAnchors('mobile', domainOnly)).toThrow(/subgraph "experience"/);
  });
});

describe('the bench operations against the real schemas', () => {
  const { operations, overhead } = benchOperations();

  it('are valid against their client\'s API schema as they are, experience fields included: the anchors run the same text', () => {
    for (const op of [...operations, overhead.operation]) {
      for (const call of op.calls) expect(validate(clientApiSchema(op.client), parse(call.document)).map((e) => e.message)).toEqual([]);
    }
    const selects = (id: string, field: string) => operations.find((op) => op.id === id)!.calls.some((call) => new RegExp(`\\b${field}\\b`).test(call.document));
    expect([selects('web-product', 'seo'), selects('web-product', 'gallery'), selects('mobile-feed', 'card'), selects('mobile-batch', 'card')]).toEqual([true, true, true, true]);
  });

  it('strips exactly the experience fields for an anchor on the domain supergraph', () => {
    const domain = composeDomainSupergraph(URLS);
    const removed = (op: BenchOperation) => [...new Set(op.calls.flatMap((call) => projectOperation(call.document, clientApiSchema(op.client), domain.apiSchema).removedFields))].sort();
    expect(Object.fromEntries(operations.map((op) => [op.id, removed(op)]))).toEqual({
      'web-product': ['Product.gallery', 'Product.seo'],
      'web-home': [],
      'mobile-feed': ['Product.card'],
      'mobile-batch': ['Product.card'],
    });
    expect(domain.gatewaySdl).toContain('"http://127.0.0.1:2/graphql"');
    expect(domain.gatewaySdl).not.toContain('name: "experience"');
    expect(domain.gatewaySdl).not.toMatch(/specs\.apollo\.dev\/(authenticated|requiresScopes)\/v[\d.]+",\s*for: SECURITY/);
  });

  it('gives Hive Gateway the domain supergraph for mobile only at the pinned version that cannot serve Product.card', () => {
    expect(Object.keys(hiveClientSupergraphGaps('2.15.1'))).toEqual(['mobile']);
    expect(hiveClientSupergraphGaps('2.16.0')).toEqual({});
  });

  it('has mobile operations with manifest hashes, and a batch within the mobile limit of 5', () => {
    const batch = operations.find((op) => op.id === 'mobile-batch')!;
    expect(batch.calls.length).toBeGreaterThan(1);
    expect(batch.calls.length).toBeLessThanOrEqual(5);
    for (const call of operations.filter((op) => op.client === 'mobile').flatMap((op) => op.calls)) expect(call.persistedHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('has a one-operation web query for the overhead pair, sent straight to its subgraph with the gateway credential', () => {
    expect(overhead).toMatchObject({ id: 'bff-overhead', subgraph: 'catalog', operation: { client: 'web', transport: 'post' } });
    const request = directSubgraphRequest(overhead.operation, 'http://127.0.0.1:2/graphql', 's'.repeat(32));
    expect(request).toMatchObject({ method: 'POST', path: '/graphql', headers: { [GATEWAY_CREDENTIAL_HEADER]: 's'.repeat(32), 'content-type': 'application/json' } });
    expect(JSON.parse(request.body!)).toEqual({ query: overhead.operation.calls[0]!.document, operationName: 'Categories', variables: {} });
  });
});

describe('wireRequest', () => {
  const feedCall: OperationCall = { document: 'query Feed($dpr: Int) { products { id card(dpr: $dpr) { title } } }', operationName: 'Feed', variables: { dpr: 3 }, persistedHash: 'a'.repeat(64) };
  const feed: BenchOperation = { id: 'feed', label: 'feed', client: 'mobile', transport: 'persisted-get', calls: [feedCall] };

  it('sends our mobile BFF a hash-only GET with a client-name header, and counts its request line', () => {
    const request = wireRequest(feed, 'mobile-bff');
    expect(request.method).toBe('GET');
    expect(request.body).toBeUndefined();
    expect(request.headers['apollographql-client-name']).toBeDefined();
    const params = new URL(`http://x${request.path}`).searchParams;
    expect(params.get('documentId')).toBe(`sha256:${'a'.repeat(64)}`);
    expect(JSON.parse(params.get('variables')!)).toEqual({ dpr: 3 });
    expect(params.get('query')).toBeNull();
    expect(requestBytes(request)).toEqual({ requestLine: `GET ${request.path} HTTP/1.1`.length, total: `GET ${request.path} HTTP/1.1`.length });
  });

  it('sends an anchor the very same text and variables as a POST', () => {
    const request = wireRequest(feed, 'anchor');
    expect(request.method).toBe('POST');
    expect(JSON.parse(request.body!)).toEqual({ query: feedCall.document, operationName: 'Feed', variables: { dpr: 3 } });
    expect(requestBytes(request).total).toBe('POST /graphql HTTP/1.1'.length + Buffer.byteLength(request.body!));
  });

  it('sends an anchor on the domain supergraph the projected text, without the variables it no longer declares', () => {
    const projections = new Map<OperationCall, ProjectedOperation>([[feedCall, projectOperation(feedCall.document, client, domain)]]);
    const body = JSON.parse(wireRequest(feed, 'anchor', projections).body!) as { query: string; variables: Record<string, unknown> };
    expect(body.query).not.toContain('card');
    expect(body.variables).toEqual({});
  });

  it('sends a batch as a JSON array to both kinds of target', () => {
    const batch: BenchOperation = { ...feed, transport: 'persisted-batch', calls: [feedCall, feedCall] };
    expect(JSON.parse(wireRequest(batch, 'mobile-bff').body!)).toHaveLength(2);
    expect(JSON.parse(wireRequest(batch, 'anchor').body!)).toHaveLength(2);
  });
});

describe('dropKeys', () => {
  it('removes keys at every depth, in arrays too', () => {
    expect(dropKeys({ a: 1, card: 2, nodes: [{ id: 1, card: { t: 1 } }] }, new Set(['card']))).toEqual({ a: 1, nodes: [{ id: 1 }] });
  });
});
