import { dataset, encodeCursor } from '@subgraphs/kit';
import { describeEachStorage } from '@bff/platform/testing';
import { representations, startTestSubgraph, type TestSubgraph } from '@subgraphs/kit/testing';
import { catalogSubgraph } from '../src/server';

const productIds = (n: number) => dataset().products.slice(0, n).map((p) => p.id);

describeEachStorage('catalog subgraph', (backend) => {
  let catalog: TestSubgraph;
  beforeAll(async () => {
    catalog = await startTestSubgraph(catalogSubgraph, backend);
  });
  afterAll(() => catalog?.stop());

  test('seeds at least 200 products in at least 10 categories', async () => {
    const { body } = await catalog.request(/* GraphQL */ `{ categories { id productCount } }`);
    const categories = body.data!.categories as { productCount: number }[];
    expect(categories.length).toBeGreaterThanOrEqual(10);
    expect(categories.reduce((sum, c) => sum + c.productCount, 0)).toBeGreaterThanOrEqual(200);
  });

  test('reads a product by id and by SKU, with money, images and category', async () => {
    const seed = dataset().products[4]!;
    const query = /* GraphQL */ `
      query ($id: ID, $sku: String) {
        product(id: $id, sku: $sku) {
          id sku name weightGrams richDescription
          price { amountCents currency formatted }
          images { alt width height url(width: 400) }
          thumbnailUrl(size: 64, dpr: 3)
          category { id name }
        }
      }`;
    const byId = await catalog.request(query, { id: seed.id });
    const bySku = await catalog.request(query, { sku: seed.sku });
    expect(byId.body.errors).toBeUndefined();
    expect(bySku.body.data).toEqual(byId.body.data);
    const product = byId.body.data!.product;
    expect(product).toMatchObject({ id: seed.id, sku: seed.sku, name: seed.name, weightGrams: seed.weightGrams });
    expect(product.price).toEqual({
      amountCents: seed.priceCents,
      currency: 'USD',
      formatted: `$${(seed.priceCents / 100).toFixed(2)}`,
    });
    const images = dataset().images.filter((i) => i.productId === seed.id);
    expect(product.images).toHaveLength(images.length);
    expect(product.images[0].url).toBe(`https://cdn.example.com${images[0]!.path}?w=400`);
    expect(product.thumbnailUrl).toBe(`https://cdn.example.com${images[0]!.path}?w=192&h=192&fit=crop`);
    expect(product.category.id).toBe(seed.categoryId);
  });

  test('product lookups need exactly one key; unknown ids are null', async () => {
    const neither = await catalog.request(/* GraphQL */ `{ product { id } }`);
    expect(neither.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const both = await catalog.request(/* GraphQL */ `{ product(id: "p-0001", sku: "AUD-0001") { id } }`);
    expect(both.body.errors?.[0]?.message).toMatch(/exactly one of "id" and "sku", got both/);
    const missing = await catalog.request(/* GraphQL */ `{ product(id: "p-9999") { id } }`);
    expect(missing.body).toEqual({ data: { product: null } });
    const empty = await catalog.request(/* GraphQL */ `{ product(id: "") { id } category(id: "") { id } }`);
    expect(empty.body).toEqual({ data: { product: null, category: null } });
  });

  test('pages through every product exactly once, in catalog order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const { body } = await catalog.request(
        /* GraphQL */ `query ($after: String) { products(first: 50, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      const connection = body.data!.products;
      seen.push(...connection.nodes.map((n: { id: string }) => n.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(dataset().products.map((p) => p.id));
  });

  test('pagination edges: past the end, first: 0, out-of-range first, bad and foreign cursors', async () => {
    const last = encodeCursor('product', [dataset().products.length]);
    const beyond = await catalog.request(/* GraphQL */ `{ products(first: 5, after: "${last}") { nodes { id } pageInfo { hasNextPage endCursor } } }`);
    expect(beyond.body.data!.products).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });

    const zero = await catalog.request(/* GraphQL */ `{ products(first: 0) { nodes { id } pageInfo { hasNextPage endCursor } } }`);
    expect(zero.body.data!.products).toEqual({ nodes: [], pageInfo: { hasNextPage: true, endCursor: null } });

    const tooMany = await catalog.request(/* GraphQL */ `{ products(first: 101) { nodes { id } } }`);
    expect(tooMany.body.errors?.[0]).toMatchObject({
      message: 'Argument "first" must be between 0 and 100, got 101.',
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
    const negative = await catalog.request(/* GraphQL */ `{ products(first: -1) { nodes { id } } }`);
    expect(negative.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    for (const cursor of ['not a cursor', 'Zm9vOmJhcg', encodeCursor('review', ['2026-01-01T00:00:00.000Z', 'r-1']), encodeCursor('product', ['-3'])]) {
      const bad = await catalog.request(/* GraphQL */ `query ($c: String) { products(after: $c) { nodes { id } } }`, { c: cursor });
      expect(bad.status).toBe(200);
      expect(bad.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
      expect(bad.body.errors?.[0]?.message).toMatch(/not a valid cursor/);
    }
  });

  test("filters a page by category and pages a category's products", async () => {
    const category = dataset().categories[2]!;
    const expected = dataset().products.filter((p) => p.categoryId === category.id).map((p) => p.id);
    const first = await catalog.request(
      /* GraphQL */ `query ($c: ID) { products(first: 15, categoryId: $c) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
      { c: category.id },
    );
    expect(first.body.data!.products.nodes.map((n: { id: string }) => n.id)).toEqual(expected.slice(0, 15));
    const rest = await catalog.request(
      /* GraphQL */ `query ($c: ID!, $after: String) { category(id: $c) { products(first: 15, after: $after) { nodes { id } pageInfo { hasNextPage } } } }`,
      { c: category.id, after: first.body.data!.products.pageInfo.endCursor },
    );
    expect(rest.body.data!.category.products).toEqual({
      nodes: expected.slice(15).map((id) => ({ id })),
      pageInfo: { hasNextPage: false },
    });
  });

  test('searches names and descriptions, best match first, in stable pages', async () => {
    const target = dataset().products[0]!;
    const query = target.name.split(' ')[0]!;
    const { body } = await catalog.request(
      /* GraphQL */ `query ($q: String!) { searchProducts(query: $q, first: 3) { nodes { id name } pageInfo { hasNextPage endCursor } } }`,
      { q: query },
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data!.searchProducts.nodes as { id: string; name: string }[];
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(node.name).toContain(query);
    expect(nodes.map((n) => n.id)).toContain(target.id);

    const empty = await catalog.request(/* GraphQL */ `{ searchProducts(query: "   ") { nodes { id } } }`);
    expect(empty.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'query' } });
    const none = await catalog.request(/* GraphQL */ `{ searchProducts(query: "zzzxqy") { nodes { id } pageInfo { hasNextPage } } }`);
    expect(none.body.data!.searchProducts).toEqual({ nodes: [], pageInfo: { hasNextPage: false } });
  });

  test('refuses the NUL character in any string input with BAD_USER_INPUT, not a server error', async () => {
    for (const [query, variables] of [
      [/* GraphQL */ 'query ($q: String!) { searchProducts(query: $q) { nodes { id } } }', { q: 'head\u0000phones' }],
      [/* GraphQL */ 'query ($id: ID) { product(id: $id) { id } }', { id: 'p-0001\u0000' }],
      ['{ product(sku: "AUD\\u0000") { id } }', {}],
    ] as const) {
      const { status, body } = await catalog.request(query, variables);
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  test('resolves Product entities by either key, and unknown ones to null', async () => {
    const [a, b] = dataset().products;
    const { body } = await catalog.request(
      /* GraphQL */ `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id sku shippingClass } } }`,
      { r: [{ __typename: 'Product', id: a!.id }, { __typename: 'Product', sku: b!.sku }, { __typename: 'Product', id: 'p-nope' }] },
    );
    expect(body.data!._entities).toEqual([
      { id: a!.id, sku: a!.sku, shippingClass: a!.shippingClass },
      { id: b!.id, sku: b!.sku, shippingClass: b!.shippingClass },
      null,
    ]);
  });

  test('SQL statements per request do not grow with the list size', async () => {
    const query = /* GraphQL */ `
      query ($r: [_Any!]!) {
        _entities(representations: $r) {
          ... on Product { id name price { formatted } images { url } thumbnailUrl category { name productCount } }
        }
      }`;
    const five = await catalog.request(query, { r: representations('Product', productIds(5)) });
    const hundred = await catalog.request(query, { r: representations('Product', productIds(100)) });
    expect(hundred.body.data!._entities).toHaveLength(100);
    expect(hundred.body.data!._entities.every((p: unknown) => p !== null)).toBe(true);
    expect(five.statements).toBeGreaterThan(0);
    expect(hundred.statements).toBe(five.statements);

    const categoryPages = /* GraphQL */ `{ categories { products(first: 10) { nodes { id images { url } } } } }`;
    const pages = await catalog.request(categoryPages);
    expect(pages.body.data!.categories).toHaveLength(dataset().categories.length);
    expect(pages.statements).toBe(3); // categories, their product pages, the products' images
  });
});
