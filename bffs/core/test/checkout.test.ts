import { webBff } from '@bff/web';
import { ErrorCode } from '@bff/platform';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

const placeOrder = (key: string, productId: string, quantity = 1) => ({
  query: `mutation { placeOrder(input: { idempotencyKey: "${key}", lines: [{ productId: "${productId}", quantity: ${quantity} }] }) { number } }`,
});

/** Checkout through a BFF: orders reserves stock in the stack's inventory, under concurrency. */
describe('placeOrder through the web BFF', () => {
  let stack: TestStack;
  let web: TestBff;
  const available = async (productId: string): Promise<number> =>
    (await web.post({ query: `{ product(id: "${productId}") { stock { available } } }` })).body.data.product.stock.available;

  beforeAll(async () => {
    stack = await startTestStack();
    web = await stack.bff(webBff);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('concurrent orders for the last units sell exactly what is there', async () => {
    const { body } = await web.post({ query: '{ products(first: 50) { nodes { id stock { available } } } }' });
    const scarce = body.data.products.nodes
      .filter((n: any) => n.stock.available > 0)
      .sort((a: any, b: any) => a.stock.available - b.stock.available)[0];
    const stock: number = scarce.stock.available;
    const buyers = stock + 6;
    const results = await Promise.all(
      Array.from({ length: buyers }, async (_, i) => web.post(placeOrder(`last-units-${i}`, scarce.id), await bearer(`u-${String((i % 40) + 1).padStart(3, '0')}`, ['orders:write']))),
    );
    const sold = results.filter((r) => r.body.data?.placeOrder?.number);
    const refused = results.filter((r) => r.body.errors?.[0]?.extensions?.code === ErrorCode.OUT_OF_STOCK);
    expect(sold).toHaveLength(stock);
    expect(refused).toHaveLength(buyers - stock);
    for (const r of refused) expect(r.body.errors[0].extensions.field).toBe('input.lines[0].quantity');
    expect(await available(scarce.id)).toBe(0);
  });

  test('concurrent retries of one idempotency key make one order and take stock once', async () => {
    const productId = 'p-0003';
    const before = await available(productId);
    const user = await bearer('u-011', ['orders:write']);
    const results = await Promise.all(Array.from({ length: 8 }, () => web.post(placeOrder('retry-storm', productId, 2), user)));
    const numbers = new Set(results.map((r) => r.body.data?.placeOrder?.number));
    expect(numbers.size).toBe(1);
    expect([...numbers][0]).toMatch(/^SO-/);
    expect(await available(productId)).toBe(before - 2);
  });
});
