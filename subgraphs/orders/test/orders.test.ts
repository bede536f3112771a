import { dataset, encodeInstantCursor, quoteShipping } from '@subgraphs/kit';
import { asUser, startTestSubgraph, type TestSubgraph } from '@subgraphs/kit/testing';
import { describeEachStorage } from '@bff/platform/testing';
import { inventorySubgraph } from '@subgraphs/inventory';
import { ordersSubgraph } from '../src/server';

const BUYER = asUser('u-010', ['orders:read', 'orders:write']);
const OTHER = asUser('u-011', ['orders:read', 'orders:write']);
const [P1, P2, P3] = dataset().products;
/** Products with stock for the many orders below (orders only place what inventory can hold). */
const STOCKED = dataset().products.filter((p) => dataset().stock.find((s) => s.productId === p.id)!.available >= 10);

const PLACE = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      id number status itemCount
      lines { lineNumber quantity product { id } unitPrice { amountCents } lineTotal { amountCents } }
      subtotal { amountCents } shipping { amountCents } total { amountCents formatted }
      customer { id }
    }
  }`;

describeEachStorage('orders subgraph', (backend) => {
  let inventory: TestSubgraph;
  let orders: TestSubgraph;
  const countOrders = async () => (await orders.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')).rows[0]!.n;
  const countLines = async () => (await orders.db.query<{ n: number }>('SELECT count(*)::int AS n FROM order_lines')).rows[0]!.n;
  const available = async (productId: string) =>
    (await inventory.db.query<{ n: number }>('SELECT on_hand - reserved AS n FROM stock WHERE product_id = $1', [productId])).rows[0]!.n;
  const seededAvailable = (productId: string) => dataset().stock.find((s) => s.productId === productId)!.available;

  beforeAll(async () => {
    inventory = await startTestSubgraph(inventorySubgraph, backend);
    orders = await startTestSubgraph(ordersSubgraph, backend, { env: { INVENTORY_URL: `${inventory.url}/graphql` } });
  });
  afterAll(async () => {
    await orders?.stop();
    await inventory?.stop();
  });

  test('places an order priced from its own price list', async () => {
    const { body } = await orders.request(
      PLACE,
      { input: { idempotencyKey: 'place-1', lines: [{ productId: P1!.id, quantity: 2 }, { productId: P2!.id, quantity: 1 }] } },
      BUYER,
    );
    expect(body.errors).toBeUndefined();
    const order = body.data!.placeOrder;
    const subtotal = P1!.priceCents * 2 + P2!.priceCents;
    const shipping = quoteShipping({
      weightGrams: P1!.weightGrams * 2 + P2!.weightGrams,
      valueCents: subtotal,
      classes: [P1!.shippingClass, P2!.shippingClass],
    });
    expect(order).toMatchObject({
      status: 'PLACED',
      itemCount: 3,
      customer: { id: 'u-010' },
      subtotal: { amountCents: subtotal },
      shipping: { amountCents: shipping.costCents },
    });
    expect(order.number).toMatch(/^SO-\d{6}$/);
    expect(order.total.amountCents).toBe(subtotal + order.shipping.amountCents);
    expect(order.lines).toEqual([
      { lineNumber: 1, quantity: 2, product: { id: P1!.id }, unitPrice: { amountCents: P1!.priceCents }, lineTotal: { amountCents: P1!.priceCents * 2 } },
      { lineNumber: 2, quantity: 1, product: { id: P2!.id }, unitPrice: { amountCents: P2!.priceCents }, lineTotal: { amountCents: P2!.priceCents } },
    ]);
    // Its stock is held in inventory.
    expect([await available(P1!.id), await available(P2!.id)]).toEqual([seededAvailable(P1!.id) - 2, seededAvailable(P2!.id) - 1]);
  });

  test.each([
    ['an empty order', { idempotencyKey: 'bad-1', lines: [] }, 'input.lines', /at least one line/],
    ['quantity 0', { idempotencyKey: 'bad-2', lines: [{ productId: 'p-0001', quantity: 0 }] }, 'input.lines[0].quantity', /between 1 and 100, got 0/],
    ['a negative quantity', { idempotencyKey: 'bad-3', lines: [{ productId: 'p-0001', quantity: 1 }, { productId: 'p-0002', quantity: -4 }] }, 'input.lines[1].quantity', /got -4/],
    ['an unknown product', { idempotencyKey: 'bad-4', lines: [{ productId: 'p-0001', quantity: 1 }, { productId: 'p-9999', quantity: 1 }] }, 'input.lines[1].productId', /unknown product "p-9999"/],
    ['a repeated product', { idempotencyKey: 'bad-5', lines: [{ productId: 'p-0001', quantity: 1 }, { productId: 'p-0001', quantity: 1 }] }, 'input.lines[1].productId', /repeats product/],
    ['a malformed idempotency key', { idempotencyKey: '', lines: [{ productId: 'p-0001', quantity: 1 }] }, 'input.idempotencyKey', /1–100 characters/],
  ])('refuses %s with BAD_USER_INPUT naming the field, writing nothing', async (_case, input, field, message) => {
    const [ordersBefore, linesBefore] = [await countOrders(), await countLines()];
    const { body } = await orders.request(PLACE, { input }, BUYER);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(body.errors?.[0]?.message).toMatch(message);
    expect([await countOrders(), await countLines()]).toEqual([ordersBefore, linesBefore]);
  });

  test('refuses anonymous callers and callers without the write scope', async () => {
    const input = { idempotencyKey: 'auth-1', lines: [{ productId: P1!.id, quantity: 1 }] };
    const anonymous = await orders.request(PLACE, { input });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const readOnly = await orders.request(PLACE, { input }, asUser('u-010', ['orders:read']));
    expect(readOnly.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(readOnly.body.errors?.[0]?.message).toMatch(/orders:write/);
  });

  test('replaying an idempotency key returns the first order instead of placing a second', async () => {
    const input = { idempotencyKey: 'replay-1', lines: [{ productId: P3!.id, quantity: 1 }] };
    const first = await orders.request(PLACE, { input }, BUYER);
    const before = await countOrders();
    const second = await orders.request(PLACE, { input }, BUYER);
    expect(second.body.data!.placeOrder).toEqual(first.body.data!.placeOrder);
    expect(await countOrders()).toBe(before);

    // The same key from another user is that user's own, independent order.
    const other = await orders.request(PLACE, { input }, OTHER);
    expect(other.body.data!.placeOrder.id).not.toBe(first.body.data!.placeOrder.id);

    // The same key for a different request is a client bug: refused, nothing written.
    const changed = await orders.request(PLACE, { input: { ...input, lines: [{ productId: P3!.id, quantity: 2 }] } }, BUYER);
    expect(changed.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await countOrders()).toBe(before + 1);
  });

  test('concurrent attempts with one idempotency key create exactly one order', async () => {
    const input = { idempotencyKey: 'race-1', lines: [{ productId: P2!.id, quantity: 3 }] };
    const before = await countOrders();
    const results = await Promise.all(Array.from({ length: 10 }, () => orders.request(PLACE, { input }, BUYER)));
    const ids = new Set(results.map((r) => r.body.data?.placeOrder?.id));
    expect(results.every((r) => r.body.errors === undefined)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await countOrders()).toBe(before + 1);
  });

  test('myOrders pages newest first; other users see none of them', async () => {
    const buyer = asUser('u-050', ['orders:read', 'orders:write']);
    const placed: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { body } = await orders.request(PLACE, { input: { idempotencyKey: `page-${i}`, lines: [{ productId: P1!.id, quantity: 1 }] } }, buyer);
      placed.push(body.data!.placeOrder.id);
    }
    const seededForUser = dataset().orders.filter((o) => o.userId === 'u-050').length;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { body } = await orders.request(
        /* GraphQL */ `query ($after: String) { myOrders(first: 2, after: $after) { nodes { id customer { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
        buyer,
      );
      expect(body.errors).toBeUndefined();
      seen.push(...body.data!.myOrders.nodes.map((n: { id: string }) => n.id));
      after = body.data!.myOrders.pageInfo.hasNextPage ? body.data!.myOrders.pageInfo.endCursor : null;
      pages++;
    } while (after && pages < 20);
    expect(seen).toHaveLength(5 + seededForUser);
    expect(seen.slice(0, 5)).toEqual([...placed].reverse());

    const stranger = await orders.request(/* GraphQL */ `query ($id: ID!) { order(id: $id) { id } }`, { id: placed[0] }, OTHER);
    expect(stranger.body).toEqual({ data: { order: null } });
    const owner = await orders.request(/* GraphQL */ `query ($id: ID!) { order(id: $id) { id } }`, { id: placed[0] }, buyer);
    expect(owner.body.data!.order.id).toBe(placed[0]);

    const entity = await orders.request(
      /* GraphQL */ `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id } } }`,
      { r: [{ __typename: 'Order', id: placed[0] }] },
      OTHER,
    );
    expect(entity.body.data!._entities).toEqual([null]);

    const theirList = await orders.request(
      /* GraphQL */ `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders { nodes { id } } } } }`,
      { r: [{ __typename: 'User', id: 'u-050' }] },
      OTHER,
    );
    expect(theirList.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const impossibleDates = ['2026-02-30T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '2026-13-01T00:00:00.000Z'];
    for (const after of ['bm9wZQ', ...impossibleDates.map((at) => encodeInstantCursor('order', { toISOString: () => at } as Date, 'o-1'))]) {
      const badCursor = await orders.request(/* GraphQL */ `query ($after: String) { myOrders(after: $after) { nodes { id } } }`, { after }, buyer);
      expect(badCursor.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  test('cancels a placed order once; shipped orders and other users are refused', async () => {
    const cancel = /* GraphQL */ `mutation ($id: ID!) { cancelOrder(id: $id) { id status cancelledAt } }`;
    const { body } = await orders.request(PLACE, { input: { idempotencyKey: 'cancel-1', lines: [{ productId: P1!.id, quantity: 1 }] } }, BUYER);
    const id = body.data!.placeOrder.id;

    const stranger = await orders.request(cancel, { id }, OTHER);
    expect(stranger.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const cancelled = await orders.request(cancel, { id }, BUYER);
    expect(cancelled.body.data!.cancelOrder).toMatchObject({ id, status: 'CANCELLED' });
    const again = await orders.request(cancel, { id }, BUYER);
    expect(again.body.data!.cancelOrder).toEqual(cancelled.body.data!.cancelOrder);

    const shipped = dataset().orders.find((o) => o.status === 'SHIPPED')!;
    const late = await orders.request(cancel, { id: shipped.id }, asUser(shipped.userId, ['orders:write']));
    expect(late.body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(late.body.errors?.[0]?.message).toMatch(/shipped and can no longer be cancelled/);
  });

  test('SQL statements per request are the same for 5 and for 100 orders', async () => {
    const buyer = asUser('u-049', ['orders:read', 'orders:write']);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const lines = [{ productId: STOCKED[i]!.id, quantity: 1 }, { productId: STOCKED[i + 100]!.id, quantity: 2 }];
      const { body } = await orders.request(PLACE, { input: { idempotencyKey: `bulk-${i}`, lines } }, buyer);
      ids.push(body.data!.placeOrder.id);
    }
    const list = /* GraphQL */ `query ($n: Int) { myOrders(first: $n) { nodes { id itemCount lines { product { id } lineTotal { formatted } } } } }`;
    const five = await orders.request(list, { n: 5 }, buyer);
    const hundred = await orders.request(list, { n: 100 }, buyer);
    expect(hundred.body.data!.myOrders.nodes).toHaveLength(100);
    expect(hundred.body.data!.myOrders.nodes[0].lines).toHaveLength(2);
    expect(five.statements).toBe(2);
    expect(hundred.statements).toBe(five.statements);

    const entities = /* GraphQL */ `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id total { amountCents } lines { quantity } } } }`;
    const fiveEntities = await orders.request(entities, { r: ids.slice(0, 5).map((id) => ({ __typename: 'Order', id })) }, buyer);
    const hundredEntities = await orders.request(entities, { r: ids.map((id) => ({ __typename: 'Order', id })) }, buyer);
    expect(hundredEntities.body.data!._entities.map((o: { id: string }) => o.id)).toEqual(ids);
    expect(hundredEntities.statements).toBe(fiveEntities.statements);
  });
});
