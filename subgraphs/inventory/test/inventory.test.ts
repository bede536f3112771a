import { dataset } from '@subgraphs/kit';
import { money } from '@bff/formats';
import { describeEachStorage } from '@bff/platform/testing';
import { startTestSubgraph, type TestSubgraph } from '@subgraphs/kit/testing';
import { inventorySubgraph } from '../src/server';

/** What the gateway sends inventory: the key plus the @requires fields from catalog. */
const representation = (p: ReturnType<typeof dataset>['products'][number]) => ({
  __typename: 'Product',
  id: p.id,
  weightGrams: p.weightGrams,
  price: { amountCents: p.priceCents, currency: p.currency },
  shippingClass: p.shippingClass,
});

const QUERY = /* GraphQL */ `
  query ($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Product { id inStock stock { available status warehouse restockDate } shippingEstimate { minDays maxDays freeShipping cost { amountCents formatted } label } }
    }
  }`;

describeEachStorage('inventory subgraph', (backend) => {
  let inventory: TestSubgraph;
  beforeAll(async () => {
    inventory = await startTestSubgraph(inventorySubgraph, backend);
  });
  afterAll(() => inventory?.stop());

  test('has stock for every product', async () => {
    const { rows } = await inventory.db.query<{ n: number }>('SELECT count(*)::int AS n FROM stock');
    expect(rows[0]!.n).toBe(dataset().products.length);
  });

  test('reports stock levels and status as seeded', async () => {
    const out = dataset().stock.find((s) => s.available === 0)!;
    const low = dataset().stock.find((s) => s.available > 0 && s.available <= 5)!;
    const plenty = dataset().stock.find((s) => s.available > 5)!;
    const products = [out, low, plenty].map((s) => dataset().products.find((p) => p.id === s.productId)!);
    const { body } = await inventory.request(QUERY, { r: products.map(representation) });
    expect(body.errors).toBeUndefined();
    const [a, b, c] = body.data!._entities;
    expect(a).toMatchObject({ inStock: false, stock: { available: 0, status: 'OUT_OF_STOCK', restockDate: out.restockDate!.toISOString() } });
    expect(b).toMatchObject({ inStock: true, stock: { available: low.available, status: 'LOW_STOCK', restockDate: null } });
    expect(c).toMatchObject({ inStock: true, stock: { available: plenty.available, status: 'IN_STOCK', warehouse: plenty.warehouse } });
  });

  test('estimates shipping from the @requires fields', async () => {
    const base = dataset().products.find((p) => dataset().stock.find((s) => s.productId === p.id)!.available > 5)!;
    const cheapLight = { ...representation(base), weightGrams: 2500, price: { amountCents: 1999, currency: 'USD' }, shippingClass: 'STANDARD' };
    const expensive = { ...cheapLight, price: { amountCents: 9999, currency: 'USD' } };
    const bulky = { ...expensive, shippingClass: 'BULKY' };
    const { body } = await inventory.request(QUERY, { r: [cheapLight, expensive, bulky] });
    const [a, b, c] = body.data!._entities.map((e: any) => e.shippingEstimate);
    expect(a).toEqual({ minDays: 2, maxDays: 4, freeShipping: false, cost: { amountCents: 699, formatted: money(699).formatted }, label: 'Delivery $6.99 in 2–4 days' });
    expect(b).toMatchObject({ freeShipping: true, cost: { amountCents: 0 }, label: 'Free delivery in 2–4 days' });
    expect(c).toMatchObject({ minDays: 5, maxDays: 8, freeShipping: false, cost: { amountCents: 2199 } });
  });

  test('SQL statements per request are the same for 5 and for 100 products', async () => {
    const products = dataset().products.map(representation);
    const five = await inventory.request(QUERY, { r: products.slice(0, 5) });
    const hundred = await inventory.request(QUERY, { r: products.slice(0, 100) });
    expect(hundred.body.data!._entities).toHaveLength(100);
    expect(five.statements).toBe(1);
    expect(hundred.statements).toBe(five.statements);
  });
});
