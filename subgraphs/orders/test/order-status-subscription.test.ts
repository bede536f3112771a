import { GATEWAY_CREDENTIAL_HEADER, DEVELOPMENT_GATEWAY_SECRET, openDatabase } from '@bff/platform';
import { describeEachStorage, describeWithRedis, testDatabaseUrl, testRedisUrl } from '@bff/platform/testing';
import { dataset } from '@subgraphs/kit';
import { asUser, startTestSubgraph, type TestSubgraph } from '@subgraphs/kit/testing';
import { inventorySubgraph } from '@subgraphs/inventory';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createOrdersServer, ordersSubgraph } from '../src/server';

const BUYER = asUser('u-020', ['orders:read', 'orders:write']);
const OTHER = asUser('u-021', ['orders:read', 'orders:write']);
const STAFF = asUser('staff-1', ['orders:fulfil']);
const [P1] = dataset().products;
const FOLLOW = /* GraphQL */ `subscription ($id: ID!) { orderStatusChanged(id: $id) { id status number } }`;

/** A gateway's connection to the subgraph's subscriptions: the credential and the caller's identity on the upgrade. */
function gatewayConnection(orders: { url: string }, headers: Record<string, string>, credential = DEVELOPMENT_GATEWAY_SECRET): Client {
  const withHeaders = class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { ...headers, [GATEWAY_CREDENTIAL_HEADER]: credential } });
    }
  };
  return createClient({ url: `${orders.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: withHeaders, retryAttempts: 0, lazy: true });
}

/** Everything one subscription delivers until it completes or fails. */
function follow(client: Client, id: string): { received: unknown[]; ended: Promise<unknown> } {
  const received: unknown[] = [];
  const ended = new Promise<unknown>((resolve) => {
    client.subscribe({ query: FOLLOW, variables: { id } }, { next: (value) => received.push(value), error: (error) => resolve(error), complete: () => resolve('complete') });
  });
  return { received, ended };
}

/** Resolves once the subscription has delivered `count` events (the first is the order as it is when it starts). */
async function delivered(stream: { received: unknown[]; ended: Promise<unknown> }, count: number): Promise<void> {
  let ended = false;
  void stream.ended.then(() => (ended = true));
  while (stream.received.length < count && !ended) await new Promise((resolve) => setTimeout(resolve, 10));
  if (stream.received.length < count) throw new Error(`the subscription ended after ${stream.received.length} of ${count} events`);
}

function suite(env: () => Record<string, string>) {
  return (backend: Parameters<Parameters<typeof describeEachStorage>[1]>[0]) => {
    let inventory: TestSubgraph;
    let orders: TestSubgraph;
    const clients: Client[] = [];
    const connect = (headers: Record<string, string>, credential?: string, at: { url: string } = orders) => {
      const client = gatewayConnection(at, headers, credential);
      clients.push(client);
      return client;
    };
    const placeOrder = async (key: string) => {
      const placed = await orders.request(`mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`, { input: { idempotencyKey: key, lines: [{ productId: P1!.id, quantity: 1 }] } }, BUYER);
      return placed.body.data!.placeOrder.id as string;
    };
    const advance = (id: string, headers = STAFF) => orders.request(`mutation ($id: ID!) { advanceOrder(id: $id) { status } }`, { id }, headers);

    beforeAll(async () => {
      inventory = await startTestSubgraph(inventorySubgraph, backend);
      orders = await startTestSubgraph(ordersSubgraph, backend, { env: { INVENTORY_URL: `${inventory.url}/graphql`, ...env() } });
    });
    afterAll(async () => {
      await Promise.all(clients.map((client) => client.dispose()));
      await orders?.stop();
      await inventory?.stop();
    });

    test('the owner follows every status change in order, and the subscription ends when the order is delivered', async () => {
      const id = await placeOrder(`follow-${backend}-${Date.now()}`);
      const stream = follow(connect(BUYER), id);
      await delivered(stream, 1);
      expect((await advance(id)).body.data).toEqual({ advanceOrder: { status: 'SHIPPED' } });
      expect((await advance(id)).body.data).toEqual({ advanceOrder: { status: 'DELIVERED' } });
      await expect(stream.ended).resolves.toBe('complete');
      expect(stream.received.map((event: any) => event.data.orderStatusChanged.status)).toEqual(['PLACED', 'SHIPPED', 'DELIVERED']);
      const refused = await advance(id);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });

    test('a cancel is a status change too', async () => {
      const id = await placeOrder(`cancel-${backend}-${Date.now()}`);
      const stream = follow(connect(BUYER), id);
      await delivered(stream, 1);
      await orders.request(`mutation ($id: ID!) { cancelOrder(id: $id) { status } }`, { id }, BUYER);
      await expect(stream.ended).resolves.toBe('complete');
      expect(stream.received).toEqual([
        { data: { orderStatusChanged: { id, status: 'PLACED', number: expect.stringMatching(/^SO-/) } } },
        { data: { orderStatusChanged: { id, status: 'CANCELLED', number: expect.stringMatching(/^SO-/) } } },
      ]);
    });

    test("another user's order is refused like a missing one; advancing needs the fulfilment scope", async () => {
      const id = await placeOrder(`other-${backend}-${Date.now()}`);
      const stream = follow(connect(OTHER), id);
      await expect(stream.ended).resolves.toBe('complete');
      expect(stream.received).toEqual([{ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })] }]);
      expect((await advance(id, BUYER)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    test('a change made at one replica of orders reaches a subscriber at another (they share only the database, or Redis)', async () => {
      // On PostgreSQL the replica has its own connections; PGlite has one process by nature.
      const replicaDb = backend === 'postgres' ? await openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: 'memory://', schema: orders.db.schema }) : orders.db;
      const services = ordersSubgraph.createServices!({ INVENTORY_URL: `${inventory.url}/graphql`, ...env() }, { gatewaySecret: DEVELOPMENT_GATEWAY_SECRET });
      const replica = createOrdersServer(replicaDb, { services });
      const replicaUrl = await replica.listen(0, '127.0.0.1');
      try {
        const id = await placeOrder(`replica-${backend}-${Date.now()}`);
        const stream = follow(connect(BUYER, undefined, { url: replicaUrl }), id);
        await delivered(stream, 1);
        await advance(id);
        await advance(id);
        await expect(stream.ended).resolves.toBe('complete');
        expect(stream.received.map((event: any) => event.data.orderStatusChanged.status)).toEqual(['PLACED', 'SHIPPED', 'DELIVERED']);
      } finally {
        await replica.stop();
        if (replicaDb !== orders.db) await replicaDb.close();
      }
    });

    test('a connection without the gateway credential is refused at the upgrade', async () => {
      const stream = follow(connect(BUYER, 'not-the-secret'), 'o-1');
      const error = await stream.ended;
      expect(String((error as { message?: string }).message ?? error)).toMatch(/401/);
    });
  };
}

describeEachStorage('orders: order status subscription (database NOTIFY)', suite(() => ({})));
describeWithRedis('orders: order status subscription through Redis pub/sub', () => {
  describeEachStorage('orders', suite(() => ({ REDIS_URL: testRedisUrl() })));
});
