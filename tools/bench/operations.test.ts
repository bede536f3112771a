import { buildSchema, parse, print } from 'graphql';
import { benchOperations, dropKeys, projectOperation, requestBytes, wireRequest, type BenchOperation, type OperationCall, type ProjectedOperation } from './operations';
import { clientApiSchema, composeDomainSupergraph } from './supergraph';

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

describe('the bench operations against the real schemas', () => {
  const { operations } = benchOperations();
  const supergraph = composeDomainSupergraph({
    accounts: 'http://127.0.0.1:1/graphql',
    catalog: 'http://127.0.0.1:2/graphql',
    inventory: 'http://127.0.0.1:3/graphql',
    reviews: 'http://127.0.0.1:4/graphql',
    orders: 'http://127.0.0.1:5/graphql',
  });
  const removed = (op: BenchOperation) => [...new Set(op.calls.flatMap((call) => projectOperation(call.document, clientApiSchema(op.client), supergraph.apiSchema).removedFields))].sort();

  it('strips exactly the experience fields for the anchors', () => {
    expect(Object.fromEntries(operations.map((op) => [op.id, removed(op)]))).toEqual({
      'web-product': ['Product.gallery', 'Product.seo'],
      'web-home': [],
      'mobile-feed': ['Product.card'],
      'mobile-batch': ['Product.card'],
    });
  });

  it('points the domain supergraph at the given URLs and demotes the SECURITY links', () => {
    expect(supergraph.gatewaySdl).toContain('"http://127.0.0.1:2/graphql"');
    expect(supergraph.gatewaySdl).toMatch(/specs\.apollo\.dev\/authenticated\/v[\d.]+"\)/);
    expect(supergraph.gatewaySdl).not.toMatch(/specs\.apollo\.dev\/(authenticated|requiresScopes)\/v[\d.]+",\s*for: SECURITY/);
  });

  it('has mobile operations with manifest hashes, and a batch within the mobile limit of 5', () => {
    const batch = operations.find((op) => op.id === 'mobile-batch')!;
    expect(batch.calls.length).toBeGreaterThan(1);
    expect(batch.calls.length).toBeLessThanOrEqual(5);
    for (const call of operations.filter((op) => op.client === 'mobile').flatMap((op) => op.calls)) expect(call.persistedHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('wireRequest', () => {
  const feedCall: OperationCall = { document: 'query Feed($dpr: Int) { products { id card(dpr: $dpr) { title } } }', operationName: 'Feed', variables: { dpr: 3 }, persistedHash: 'a'.repeat(64) };
  const feed: BenchOperation = { id: 'feed', label: 'feed', client: 'mobile', transport: 'persisted-get', calls: [feedCall] };
  const projections = new Map<OperationCall, ProjectedOperation>([[feedCall, projectOperation(feedCall.document, client, domain)]]);

  it('sends our mobile BFF a hash-only GET with a client-name header, and counts its request line', () => {
    const request = wireRequest(feed, 'mobile-bff', projections);
    expect(request.method).toBe('GET');
    expect(request.body).toBeUndefined();
    expect(request.headers['apollographql-client-name']).toBeDefined();
    const params = new URL(`http://x${request.path}`).searchParams;
    expect(params.get('documentId')).toBe(`sha256:${'a'.repeat(64)}`);
    expect(JSON.parse(params.get('variables')!)).toEqual({ dpr: 3 });
    expect(params.get('query')).toBeNull();
    expect(requestBytes(request)).toEqual({ requestLine: `GET ${request.path} HTTP/1.1`.length, total: `GET ${request.path} HTTP/1.1`.length });
  });

  it('sends an anchor the projected text as a POST, without the variables it no longer declares', () => {
    const request = wireRequest(feed, 'anchor', projections);
    expect(request.method).toBe('POST');
    const body = JSON.parse(request.body!) as { query: string; variables: Record<string, unknown> };
    expect(body.query).not.toContain('card');
    expect(body.variables).toEqual({});
    expect(requestBytes(request).total).toBe('POST /graphql HTTP/1.1'.length + Buffer.byteLength(request.body!));
  });

  it('sends a batch as a JSON array to both kinds of target', () => {
    const batch: BenchOperation = { ...feed, transport: 'persisted-batch', calls: [feedCall, feedCall] };
    expect(JSON.parse(wireRequest(batch, 'mobile-bff', projections).body!)).toHaveLength(2);
    expect(JSON.parse(wireRequest(batch, 'anchor', projections).body!)).toHaveLength(2);
  });
});

describe('dropKeys', () => {
  it('removes keys at every depth, in arrays too', () => {
    expect(dropKeys({ a: 1, card: 2, nodes: [{ id: 1, card: { t: 1 } }] }, new Set(['card']))).toEqual({ a: 1, nodes: [{ id: 1 }] });
  });
});
