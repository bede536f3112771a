import { dataset } from './dataset';

describe('seed dataset', () => {
  test('is big enough to matter', () => {
    const { users, categories, products, reviews, stock, orders } = dataset();
    expect(users).toHaveLength(50);
    expect(categories.length).toBeGreaterThanOrEqual(10);
    expect(products.length).toBeGreaterThanOrEqual(200);
    expect(reviews.length).toBeGreaterThanOrEqual(2000);
    expect(new Set(stock.map((s) => s.productId))).toEqual(new Set(products.map((p) => p.id)));
    expect(orders.length).toBeGreaterThan(0);
  });

  test('ids and keys are unique, and every reference points at something that exists', () => {
    const { users, products, reviews, orders, categories } = dataset();
    for (const ids of [users.map((u) => u.id), products.map((p) => p.id), products.map((p) => p.sku), reviews.map((r) => r.id), categories.map((c) => c.slug)]) {
      expect(new Set(ids).size).toBe(ids.length);
    }
    const userIds = new Set(users.map((u) => u.id));
    const productIds = new Set(products.map((p) => p.id));
    expect(reviews.every((r) => userIds.has(r.authorId) && productIds.has(r.productId))).toBe(true);
    expect(orders.every((o) => userIds.has(o.userId) && o.lines.every((l) => productIds.has(l.productId)))).toBe(true);
  });

  test('is deterministic: a fresh generation in another process-like run is identical', () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const again = (require('./dataset') as typeof import('./dataset')).dataset();
      expect(JSON.stringify(again)).toBe(JSON.stringify(dataset()));
    });
  });
});
