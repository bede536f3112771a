import { dataset } from '@subgraphs/kit';
import { describeEachStorage } from '@bff/platform/testing';
import { startTestSubgraph, type TestSubgraph } from '@subgraphs/kit/testing';
import { inventorySubgraph } from '../src/server';
import { stockFixture } from './support/stock-fixture';

const RESERVE = /* GraphQL */ `
  mutation ($id: ID!, $lines: [StockReservationLineInput!]!) {
    reserveStock(reservationId: $id, lines: $lines) { reservationId status shortages { line productId requested available } }
  }`;
const RELEASE = /* GraphQL */ `mutation ($id: ID!) { releaseStock(reservationId: $id) { reservationId status shortages { line } } }`;

type Line = { productId: string; quantity: number };

/** The internal reservation API orders calls: all or nothing, idempotent per reservation id, released once. */
describeEachStorage('inventory stock reservations', (backend) => {
  let inventory: TestSubgraph;
  beforeAll(async () => {
    inventory = await startTestSubgraph(inventorySubgraph, backend);
  });
  afterAll(() => inventory?.stop());

  const { stocked, available } = stockFixture(() => inventory, dataset().products.map((p) => p.id));
  const reserve = async (id: string, lines: Line[]) => {
    const { body } = await inventory.request(RESERVE, { id, lines });
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!.reserveStock;
  };
  const release = async (id: string) => (await inventory.request(RELEASE, { id })).body.data!.releaseStock;

  test('reserves every line, once per id; releases once', async () => {
    const [a, b] = [await stocked(5), await stocked(5)];
    const lines = [{ productId: a, quantity: 2 }, { productId: b, quantity: 1 }];
    expect(await reserve('r-basic', lines)).toEqual({ reservationId: 'r-basic', status: 'RESERVED', shortages: [] });
    expect([await available(a), await available(b)]).toEqual([3, 4]);
    expect((await reserve('r-basic', lines)).status).toBe('RESERVED');
    expect([await available(a), await available(b)]).toEqual([3, 4]);

    expect(await release('r-basic')).toEqual({ reservationId: 'r-basic', status: 'RELEASED', shortages: [] });
    expect([await available(a), await available(b)]).toEqual([5, 5]);
    expect((await release('r-basic')).status).toBe('RELEASED');
    expect([await available(a), await available(b)]).toEqual([5, 5]);
    expect((await release('r-never-made')).status).toBe('NOT_FOUND');
  });

  test('refuses the whole reservation when one line is short, naming each short line', async () => {
    const [a, b, c] = [await stocked(5), await stocked(1), await stocked(0)];
    const result = await reserve('r-short', [{ productId: a, quantity: 2 }, { productId: b, quantity: 2 }, { productId: c, quantity: 1 }]);
    expect(result).toEqual({
      reservationId: 'r-short',
      status: 'INSUFFICIENT_STOCK',
      shortages: [
        { line: 1, productId: b, requested: 2, available: 1 },
        { line: 2, productId: c, requested: 1, available: 0 },
      ],
    });
    expect([await available(a), await available(b), await available(c)]).toEqual([5, 1, 0]);
    const { rows } = await inventory.db.query("SELECT 1 FROM stock_reservations WHERE id = 'r-short'");
    expect(rows).toEqual([]);
    // Refusal is not recorded: once stock is there, the same id succeeds.
    await inventory.db.query('UPDATE stock SET on_hand = on_hand + 5 WHERE product_id = ANY($1::text[])', [[b, c]]);
    expect((await reserve('r-short', [{ productId: a, quantity: 2 }, { productId: b, quantity: 2 }, { productId: c, quantity: 1 }])).status).toBe('RESERVED');
  });

  test('an unknown product has nothing available', async () => {
    const result = await reserve('r-unknown', [{ productId: 'p-9999', quantity: 1 }]);
    expect(result.shortages).toEqual([{ line: 0, productId: 'p-9999', requested: 1, available: 0 }]);
  });

  test('the same id with other lines changes nothing; once released, the id may reserve again', async () => {
    const [a, b] = [await stocked(5), await stocked(5)];
    await reserve('r-lines', [{ productId: a, quantity: 1 }]);
    expect((await reserve('r-lines', [{ productId: b, quantity: 1 }])).status).toBe('LINES_MISMATCH');
    expect((await reserve('r-lines', [{ productId: a, quantity: 2 }])).status).toBe('LINES_MISMATCH');
    expect([await available(a), await available(b)]).toEqual([4, 5]);

    await release('r-lines');
    expect((await reserve('r-lines', [{ productId: b, quantity: 3 }])).status).toBe('RESERVED');
    expect([await available(a), await available(b)]).toEqual([5, 2]);
    expect((await release('r-lines')).status).toBe('RELEASED');
    expect([await available(a), await available(b)]).toEqual([5, 5]);
  });

  test('30 concurrent reservations (distinct ids) for 7 units: exactly 7 succeed', async () => {
    const productId = await stocked(7);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => reserve(`r-race-${i}`, [{ productId, quantity: 1 }])));
    expect(results.filter((r) => r.status === 'RESERVED')).toHaveLength(7);
    expect(results.filter((r) => r.status === 'INSUFFICIENT_STOCK')).toHaveLength(23);
    expect(await available(productId)).toBe(0);
  });

  test('concurrent calls with one id take the stock once; concurrent releases return it once', async () => {
    const productId = await stocked(3);
    const reserved = await Promise.all(Array.from({ length: 10 }, () => reserve('r-same', [{ productId, quantity: 3 }])));
    expect(reserved.map((r) => r.status)).toEqual(Array(10).fill('RESERVED'));
    expect(await available(productId)).toBe(0);
    const released = await Promise.all(Array.from({ length: 10 }, () => release('r-same')));
    expect(released.map((r) => r.status)).toEqual(Array(10).fill('RELEASED'));
    expect(await available(productId)).toBe(3);
  });

  test('reservations sharing products in opposite orders queue instead of deadlocking', async () => {
    const [a, b, c] = [await stocked(100), await stocked(100), await stocked(100)];
    const orders = [[a, b, c], [c, b, a], [b, a, c], [c, a, b]];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => reserve(`r-cross-${i}`, orders[i % orders.length]!.map((productId) => ({ productId, quantity: 2 })))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(40).fill('RESERVED'));
    expect([await available(a), await available(b), await available(c)]).toEqual([20, 20, 20]);
  });

  test.each([
    ['no lines', 'r-bad-1', [], 'lines'],
    ['a zero quantity', 'r-bad-2', [{ productId: 'p-0001', quantity: 0 }], 'lines[0].quantity'],
    ['a repeated product', 'r-bad-3', [{ productId: 'p-0001', quantity: 1 }, { productId: 'p-0001', quantity: 1 }], 'lines[1].productId'],
    ['a malformed id', 'r bad', [{ productId: 'p-0001', quantity: 1 }], 'reservationId'],
  ])('refuses %s with BAD_USER_INPUT naming the argument', async (_case, id, lines, field) => {
    const { body } = await inventory.request(RESERVE, { id, lines });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
  });
});
