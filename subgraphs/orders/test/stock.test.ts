import { dataset } from '@subgraphs/kit';
import { inventorySubgraph } from '@subgraphs/inventory';
import { asUser, startTestSubgraph, type TestResponse, type TestSubgraph } from '@subgraphs/kit/testing';
import { describeEachStorage } from '@bff/platform/testing';
import { freePort } from '@bff/platform';
import { reservationIdFor } from '../src/inventory/reservation-id';
import { ordersSubgraph } from '../src/server';
import { startBreakableHop, type BreakableHop } from './support/breakable-hop';
import { stockFixture } from '@subgraphs/inventory/testing';

const PLACE = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id number status lines { product { id } quantity } } }`;
const CANCEL = /* GraphQL */ `mutation ($id: ID!) { cancelOrder(id: $id) { id status } }`;
const WRITER = ['orders:read', 'orders:write'];

type Line = { productId: string; quantity: number };

/**
 * "No oversell, no duplicate": orders holds stock in a real inventory subgraph over HTTP,
 * through a hop the tests can break to play outages, slowness and lost answers.
 */
describeEachStorage('orders and stock', (backend) => {
  let inventory: TestSubgraph;
  let hop: BreakableHop;
  let orders: TestSubgraph;

  beforeAll(async () => {
    inventory = await startTestSubgraph(inventorySubgraph, backend);
    hop = await startBreakableHop(inventory.url);
    orders = await startTestSubgraph(ordersSubgraph, backend, {
      env: { INVENTORY_URL: `${hop.url}/graphql`, INVENTORY_TIMEOUT_MS: '1000' },
    });
  });
  afterAll(async () => {
    await orders?.stop();
    await hop?.stop();
    await inventory?.stop();
  });
  afterEach(() => {
    hop.mode = 'forward';
  });

  const { stocked, available } = stockFixture(() => inventory, dataset().products.slice(200).map((p) => p.id));
  const ordersWithKey = async (key: string) =>
    (await orders.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE idempotency_key = $1', [key])).rows[0]!.n;
  const statusOf = async (orderId: string) =>
    (await orders.db.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [orderId])).rows[0]!.status;
  const place = (user: string, idempotencyKey: string, lines: Line[]) =>
    orders.request(PLACE, { input: { idempotencyKey, lines } }, asUser(user, WRITER));
  const errorOf = (response: TestResponse) => response.body.errors?.[0];

  test('20 concurrent orders for the last 7 units sell exactly 7; the other 13 get OUT_OF_STOCK', async () => {
    const productId = await stocked(7);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => place(`u-${String(100 + i).padStart(3, '0')}`, `last-units-${i}`, [{ productId, quantity: 1 }])),
    );
    const sold = results.filter((r) => r.body.data?.placeOrder);
    const refused = results.filter((r) => r.body.errors);
    expect([sold.length, refused.length]).toEqual([7, 13]);
    for (const r of refused) {
      expect(errorOf(r)!.extensions).toEqual({ code: 'OUT_OF_STOCK', field: 'input.lines[0].quantity' });
      expect(errorOf(r)!.message).toBe(
        `Not enough stock: input.lines[0].quantity asks for 1 of product "${productId}", 0 available. No order was placed.`,
      );
    }
    expect(await available(productId)).toBe(0);
    const { rows } = await orders.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.product_id = $1 AND o.idempotency_key LIKE 'last-units-%'",
      [productId],
    );
    expect(rows[0]!.n).toBe(7);
  });

  test('concurrent orders of several units each never take more than is there', async () => {
    const productId = await stocked(10);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => place('u-120', `three-each-${i}`, [{ productId, quantity: 3 }])));
    expect(results.filter((r) => r.body.data?.placeOrder)).toHaveLength(3);
    expect(await available(productId)).toBe(1);
    const refusal = results.find((r) => r.body.errors)!;
    expect(errorOf(refusal)!.message).toMatch(/asks for 3 of product "p-\d+", 1 available/);
  });

  test('10 concurrent retries of one idempotency key place one order and take its stock once', async () => {
    // Exactly the order's quantity: a retry that counted its own reservation as sold would be refused.
    const productId = await stocked(2);
    const results = await Promise.all(Array.from({ length: 10 }, () => place('u-121', 'one-key', [{ productId, quantity: 2 }])));
    expect(results.map((r) => r.body.errors)).toEqual(Array(10).fill(undefined));
    expect(new Set(results.map((r) => r.body.data!.placeOrder.id)).size).toBe(1);
    expect(await ordersWithKey('one-key')).toBe(1);
    expect(await available(productId)).toBe(0);
    const { rows } = await inventory.db.query<{ n: number }>('SELECT count(*)::int AS n FROM stock_reservations WHERE id = $1', [
      reservationIdFor('u-121', 'one-key'),
    ]);
    expect(rows[0]!.n).toBe(1);

    // A later retry returns the same order, still without taking anything.
    const later = await place('u-121', 'one-key', [{ productId, quantity: 2 }]);
    expect(later.body.data!.placeOrder.id).toBe(results[0]!.body.data!.placeOrder.id);
    expect(await available(productId)).toBe(0);
  });

  test('an order short on one line names that line and holds nothing of the others', async () => {
    const [plenty, scarce] = [await stocked(5), await stocked(2)];
    const response = await place('u-122', 'short-line', [{ productId: plenty, quantity: 1 }, { productId: scarce, quantity: 3 }]);
    expect(response.body.data).toBeNull();
    expect(errorOf(response)!.extensions).toEqual({ code: 'OUT_OF_STOCK', field: 'input.lines[1].quantity' });
    expect([await available(plenty), await available(scarce)]).toEqual([5, 2]);
    expect(await ordersWithKey('short-line')).toBe(0);
  });

  test('cancelling returns the stock once: twice, concurrently, or replayed afterwards', async () => {
    const productId = await stocked(4);
    const first = (await place('u-123', 'cancel-me', [{ productId, quantity: 3 }])).body.data!.placeOrder;
    expect(await available(productId)).toBe(1);
    const buyer = asUser('u-123', WRITER);
    expect((await orders.request(CANCEL, { id: first.id }, buyer)).body.data!.cancelOrder.status).toBe('CANCELLED');
    expect(await available(productId)).toBe(4);
    expect((await orders.request(CANCEL, { id: first.id }, buyer)).body.data!.cancelOrder.status).toBe('CANCELLED');
    expect(await available(productId)).toBe(4);

    // Replaying the cancelled order's key returns it and takes nothing.
    const replay = await place('u-123', 'cancel-me', [{ productId, quantity: 3 }]);
    expect(replay.body.data!.placeOrder).toMatchObject({ id: first.id, status: 'CANCELLED' });
    expect(await available(productId)).toBe(4);

    const second = (await place('u-123', 'cancel-me-too', [{ productId, quantity: 3 }])).body.data!.placeOrder;
    expect(await available(productId)).toBe(1);
    const cancels = await Promise.all(Array.from({ length: 5 }, () => orders.request(CANCEL, { id: second.id }, buyer)));
    expect(cancels.map((c) => c.body.data?.cancelOrder.status)).toEqual(Array(5).fill('CANCELLED'));
    expect(await available(productId)).toBe(4);
  });

  test('a seeded order, placed before stock was reserved, cancels without touching stock', async () => {
    const seeded = dataset().orders.find((o) => o.status === 'PLACED')!;
    const before = await Promise.all(seeded.lines.map((l) => available(l.productId)));
    const cancelled = await orders.request(CANCEL, { id: seeded.id }, asUser(seeded.userId, WRITER));
    expect(cancelled.body.data!.cancelOrder.status).toBe('CANCELLED');
    expect(await Promise.all(seeded.lines.map((l) => available(l.productId)))).toEqual(before);
  });

  test('inventory down: SERVICE_UNAVAILABLE, no order written; the same key places it once inventory is back', async () => {
    const productId = await stocked(3);
    hop.mode = 'drop';
    const refused = await place('u-124', 'during-outage', [{ productId, quantity: 1 }]);
    expect(refused.body.data).toBeNull();
    expect(errorOf(refused)!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(errorOf(refused)!.message).toBe(
      'Stock could not be reserved: the inventory service is unavailable. No order was placed; retry with the same idempotencyKey.',
    );
    expect(await ordersWithKey('during-outage')).toBe(0);
    expect(await available(productId)).toBe(3);

    hop.mode = 'forward';
    const retried = await place('u-124', 'during-outage', [{ productId, quantity: 1 }]);
    expect(retried.body.data!.placeOrder.status).toBe('PLACED');
    expect(await available(productId)).toBe(2);
  });

  test('inventory too slow: SERVICE_UNAVAILABLE after INVENTORY_TIMEOUT_MS, no order written', async () => {
    const productId = await stocked(3);
    hop.mode = 'hang';
    const refused = await place('u-125', 'too-slow', [{ productId, quantity: 1 }]);
    expect(errorOf(refused)!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(await ordersWithKey('too-slow')).toBe(0);
  });

  test('an answer lost after inventory reserved: the retry places the order and the stock is taken once', async () => {
    const productId = await stocked(3);
    hop.mode = 'lose-answer';
    const lost = await place('u-126', 'lost-answer', [{ productId, quantity: 2 }]);
    expect(errorOf(lost)!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(await ordersWithKey('lost-answer')).toBe(0);
    expect(await available(productId)).toBe(1); // held by the reservation the caller never heard of

    hop.mode = 'forward';
    const retried = await place('u-126', 'lost-answer', [{ productId, quantity: 2 }]);
    expect(retried.body.data!.placeOrder.status).toBe('PLACED');
    expect(await available(productId)).toBe(1);
  });

  test('a cancel while inventory is down fails whole: the order stays PLACED, a retry cancels it', async () => {
    const productId = await stocked(3);
    const order = (await place('u-127', 'cancel-in-outage', [{ productId, quantity: 2 }])).body.data!.placeOrder;
    const buyer = asUser('u-127', WRITER);
    hop.mode = 'drop';
    const refused = await orders.request(CANCEL, { id: order.id }, buyer);
    expect(errorOf(refused)!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(errorOf(refused)!.message).toMatch(/^Order SO-\d+ could not be cancelled: .* The order is unchanged; retry the cancel\.$/);
    expect(await statusOf(order.id)).toBe('PLACED');
    expect(await available(productId)).toBe(1);

    hop.mode = 'forward';
    expect((await orders.request(CANCEL, { id: order.id }, buyer)).body.data!.cancelOrder.status).toBe('CANCELLED');
    expect(await available(productId)).toBe(3);
  });

  test('an order that cannot be written after its stock was reserved gives the stock back', async () => {
    const productId = await stocked(3);
    // Make this one key unwritable in orders' own database, after the reservation succeeds.
    await orders.db.exec(`ALTER TABLE orders ADD CONSTRAINT test_unwritable CHECK (idempotency_key <> 'unwritable')`);
    try {
      const failed = await place('u-128', 'unwritable', [{ productId, quantity: 2 }]);
      expect(errorOf(failed)!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(await available(productId)).toBe(3);
      const { rows } = await inventory.db.query<{ status: string }>('SELECT status FROM stock_reservations WHERE id = $1', [
        reservationIdFor('u-128', 'unwritable'),
      ]);
      expect(rows).toEqual([{ status: 'RELEASED' }]);
    } finally {
      await orders.db.exec('ALTER TABLE orders DROP CONSTRAINT test_unwritable');
    }
    // The key is not spent: the retry reserves again and places the order.
    const retried = await place('u-128', 'unwritable', [{ productId, quantity: 2 }]);
    expect(retried.body.data!.placeOrder.status).toBe('PLACED');
    expect(await available(productId)).toBe(1);
  });

  test("an abandoned attempt's reservation of other lines under the key is given back first", async () => {
    const [abandoned, wanted] = [await stocked(4), await stocked(4)];
    // What an attempt that reserved and then died before writing its order leaves behind.
    const left = await inventory.request(
      /* GraphQL */ `mutation ($id: ID!, $lines: [StockReservationLineInput!]!) { reserveStock(reservationId: $id, lines: $lines) { status } }`,
      { id: reservationIdFor('u-129', 'changed-mind'), lines: [{ productId: abandoned, quantity: 2 }] },
    );
    expect(left.body.data!.reserveStock.status).toBe('RESERVED');
    expect(await available(abandoned)).toBe(2);

    const placed = await place('u-129', 'changed-mind', [{ productId: wanted, quantity: 1 }]);
    expect(placed.body.data!.placeOrder.lines).toEqual([{ product: { id: wanted }, quantity: 1 }]);
    expect([await available(abandoned), await available(wanted)]).toEqual([4, 3]);
  });

  test('inventory unreachable (nothing listening): SERVICE_UNAVAILABLE and no order row', async () => {
    const closedPort = await freePort();
    const isolated = await startTestSubgraph(ordersSubgraph, backend, { env: { INVENTORY_URL: `http://127.0.0.1:${closedPort}/graphql` } });
    try {
      const countOrders = async () => (await isolated.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')).rows[0]!.n;
      const before = await countOrders();
      const refused = await isolated.request(PLACE, { input: { idempotencyKey: 'nobody-home', lines: [{ productId: 'p-0002', quantity: 1 }] } }, asUser('u-130', WRITER));
      expect(refused.body.data).toBeNull();
      expect(errorOf(refused)!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
      expect(errorOf(refused)!.message).not.toContain(String(closedPort));
      expect(await countOrders()).toBe(before);
    } finally {
      await isolated.stop();
    }
  });
});
