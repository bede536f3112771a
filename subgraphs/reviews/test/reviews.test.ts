import { dataset } from '@subgraphs/kit';
import { describeEachStorage } from '@bff/platform/testing';
import { representations, startTestSubgraph, type TestSubgraph } from '@subgraphs/kit/testing';
import { reviewsSubgraph } from '../src/server';

/** Expected newest-first review ids of one product, computed from the seed itself. */
function expectedReviewIds(productId: string): string[] {
  return dataset()
    .reviews.filter((r) => r.productId === productId)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
    .map((r) => r.id);
}

describeEachStorage('reviews subgraph', (backend) => {
  let reviews: TestSubgraph;
  beforeAll(async () => {
    reviews = await startTestSubgraph(reviewsSubgraph, backend);
  });
  afterAll(() => reviews?.stop());

  test('seeds at least 2,000 reviews by 50 users', async () => {
    const { rows } = await reviews.db.query<{ n: number; authors: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT author_id)::int AS authors FROM reviews',
    );
    expect(rows[0]!.n).toBeGreaterThanOrEqual(2000);
    expect(rows[0]!.authors).toBe(50);
  });

  test("pages through a product's reviews newest first, and ends cleanly", async () => {
    const product = 'p-0001';
    const expected = expectedReviewIds(product);
    expect(expected.length).toBeGreaterThan(20);
    const seen: string[] = [];
    let after: string | null = null;
    let last: any;
    do {
      const { body } = await reviews.request(
        /* GraphQL */ `query ($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Product { reviews(first: 7, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } } }`,
        { r: representations('Product', [product]), after },
      );
      expect(body.errors).toBeUndefined();
      last = body.data!._entities[0].reviews;
      seen.push(...last.edges.map((e: { node: { id: string } }) => e.node.id));
      after = last.pageInfo.hasNextPage ? last.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(expected);

    const beyond = await reviews.request(
      /* GraphQL */ `query ($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Product { reviews(first: 5, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } } }`,
      { r: representations('Product', [product]), after: last.pageInfo.endCursor },
    );
    expect(beyond.body.data!._entities[0].reviews).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  test('a malformed cursor fails only its field, with BAD_USER_INPUT', async () => {
    const { body } = await reviews.request(
      /* GraphQL */ `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id reviews(after: "cmV2aWV3OjEsMg") { nodes { id } } } } }`,
      { r: representations('Product', ['p-0001']) },
    );
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    expect(body.errors?.[0]?.path).toEqual(['_entities', 0, 'reviews']);
    const tooMany = await reviews.request(/* GraphQL */ `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { reviews(first: 1000) { nodes { id } } } } }`, {
      r: representations('Product', ['p-0001']),
    });
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('rating summaries match the seed; products without reviews get zeros', async () => {
    const withReviews = dataset().reviews.filter((r) => r.productId === 'p-0003');
    // A product listed after the seed: nobody has reviewed it yet.
    const noReviews = { id: 'p-new-listing' };
    const { body } = await reviews.request(
      /* GraphQL */ `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { ratingSummary { average count histogram { stars count } } } } }`,
      { r: representations('Product', ['p-0003', noReviews.id]) },
    );
    const [summary, empty] = body.data!._entities.map((e: any) => e.ratingSummary);
    const average = withReviews.reduce((s, r) => s + r.rating, 0) / withReviews.length;
    expect(summary.count).toBe(withReviews.length);
    expect(summary.average).toBeCloseTo(average, 2);
    expect(summary.histogram.map((h: any) => h.stars)).toEqual([5, 4, 3, 2, 1]);
    expect(summary.histogram.find((h: any) => h.stars === 5).count).toBe(withReviews.filter((r) => r.rating === 5).length);
    expect(empty).toEqual({ average: 0, count: 0, histogram: [5, 4, 3, 2, 1].map((stars) => ({ stars, count: 0 })) });
  });

  test("reviews carry their author's name (@provides) and product reference", async () => {
    const seed = dataset().reviews[0]!;
    const { body } = await reviews.request(/* GraphQL */ `query ($id: ID!) { review(id: $id) { id rating author { id name } product { id } } }`, { id: seed.id });
    expect(body.data!.review).toEqual({
      id: seed.id,
      rating: seed.rating,
      author: { id: seed.authorId, name: seed.authorName },
      product: { id: seed.productId },
    });
    const user = await reviews.request(
      /* GraphQL */ `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { reviews(first: 100) { nodes { author { id } } } } } }`,
      { r: representations('User', [seed.authorId]) },
    );
    const written = user.body.data!._entities[0].reviews.nodes;
    expect(written.length).toBe(Math.min(100, dataset().reviews.filter((r) => r.authorId === seed.authorId).length));
    expect(written.every((n: any) => n.author.id === seed.authorId)).toBe(true);
  });

  test('SQL statements per request are the same for 5 and for 100 products', async () => {
    const query = /* GraphQL */ `
      query ($r: [_Any!]!) {
        _entities(representations: $r) {
          ... on Product { id ratingSummary { average } reviews(first: 3) { nodes { id rating author { name } } } }
        }
      }`;
    const ids = dataset().products.map((p) => p.id);
    const five = await reviews.request(query, { r: representations('Product', ids.slice(0, 5)) });
    const hundred = await reviews.request(query, { r: representations('Product', ids.slice(0, 100)) });
    expect(hundred.body.data!._entities).toHaveLength(100);
    expect(hundred.body.data!._entities[99].id).toBe(ids[99]);
    expect(five.statements).toBe(2);
    expect(hundred.statements).toBe(five.statements);
  });
});
