import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PersistedQueryManifest } from '@bff/formats';
import { mobileBff } from '@bff/mobile';
import { REPO_ROOT } from '@bff/platform';
import { webBff } from '@bff/web';
import { dataset } from '@subgraphs/kit';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { DEVELOPMENT_JWT, mintToken, type BffDefinition } from '../src';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

const BUYER = 'u-030';
const STRANGER = 'u-031';
const BUYER_SCOPES = ['orders:read', 'orders:write'];
const [P1, P2] = dataset().products;
const FOLLOW = /* GraphQL */ `
  subscription FollowOrder($id: ID!) {
    orderStatusChanged(id: $id) { id number status lines { quantity product { sku name } } }
  }`;
const PRODUCT_NAMES = [P1!.name, P2!.name].sort();

const withSubscriptionLimits = (definition: BffDefinition, maxSubscriptionsPerConnection: number, maxSubscriptionsPerUser: number): BffDefinition => ({
  ...definition,
  policy: { ...definition.policy, limits: { ...definition.policy.limits, maxSubscriptionsPerConnection, maxSubscriptionsPerUser } },
});

/** What one subscription delivered, and how it ended. */
interface Followed {
  events: any[];
  ended: Promise<'complete' | { error: unknown }>;
  stop(): void;
}

/** Follows an order over GraphQL over SSE with the graphql-sse client (distinct connections mode). */
function followOverSse(bff: TestBff, headers: Record<string, string>, id: string, query = FOLLOW): Followed {
  const client = createSseClient({ url: bff.url, headers, retryAttempts: 0 });
  const events: any[] = [];
  let stop = () => {};
  const ended = new Promise<'complete' | { error: unknown }>((resolve) => {
    stop = client.subscribe({ query, variables: { id } }, { next: (event) => void events.push(event), error: (error) => resolve({ error }), complete: () => resolve('complete') });
  });
  return { events, ended, stop };
}

/** A graphql-ws client of the BFF, authenticated at connection time. */
function webSocketClient(bff: TestBff, authorization?: string): WsClient {
  return createWsClient({ url: bff.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: authorization ? { authorization } : {} });
}

function followOverWebSocket(client: WsClient, id: string, query = FOLLOW): Followed {
  const events: any[] = [];
  let stop = () => {};
  const ended = new Promise<'complete' | { error: unknown }>((resolve) => {
    stop = client.subscribe({ query, variables: { id } }, { next: (event) => void events.push(event), error: (error) => resolve({ error }), complete: () => resolve('complete') });
  });
  return { events, ended, stop };
}

/** Waits until the subscription has delivered `count` events (the first is the order as it is when it starts), or fails if it ended first. */
async function delivered(followed: Followed, count: number): Promise<void> {
  let ended: unknown;
  void followed.ended.then((how) => (ended = how));
  while (followed.events.length < count && ended === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
  if (followed.events.length < count) throw new Error(`the subscription ended (${JSON.stringify(ended)}) after ${followed.events.length} of ${count} events: ${JSON.stringify(followed.events)}`);
}

const statuses = (followed: Followed) => followed.events.map((event) => event.data?.orderStatusChanged?.status ?? event.errors?.[0]?.extensions?.code);

/** Subscriptions through the web BFF over both transports, over real subgraphs (orders announces, catalog completes each event). */
describe('subscriptions through a BFF', () => {
  let stack: TestStack;
  let web: TestBff;
  let buyer: Record<string, string>;
  let staff: Record<string, string>;
  const clients: WsClient[] = [];

  const placeOrder = async () => {
    const placed = await web.post(
      { query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', variables: { input: { idempotencyKey: `k-${Math.random()}`, lines: [{ productId: P1!.id, quantity: 1 }, { productId: P2!.id, quantity: 2 }] } } },
      buyer,
    );
    expect(placed.body.errors).toBeUndefined();
    return placed.body.data.placeOrder.id as string;
  };
  const advance = async (id: string) => {
    const moved = await web.post({ query: 'mutation ($id: ID!) { advanceOrder(id: $id) { status } }', variables: { id } }, staff);
    expect(moved.body.errors).toBeUndefined();
    return moved.body.data.advanceOrder.status as string;
  };
  const wsClient = (authorization?: string) => {
    const client = webSocketClient(web, authorization);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    stack = await startTestStack();
    web = await stack.bff(webBff, 'development');
    buyer = await bearer(BUYER, BUYER_SCOPES);
    staff = await bearer('staff-7', ['orders:fulfil']);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await stack?.stop();
  });

  const eachEventHasCatalogFields = (followed: Followed) => {
    for (const event of followed.events) {
      expect(event.errors).toBeUndefined();
      expect(event.data.orderStatusChanged.lines.map((line: any) => line.product.name).sort()).toEqual(PRODUCT_NAMES);
    }
  };

  test('over SSE (graphql-sse): every status change of the order, in order, each with its products from catalog', async () => {
    const id = await placeOrder();
    const followed = followOverSse(web, buyer, id);
    await delivered(followed, 1);
    expect(await advance(id)).toBe('SHIPPED');
    expect(await advance(id)).toBe('DELIVERED');
    await expect(followed.ended).resolves.toBe('complete');
    expect(statuses(followed)).toEqual(['PLACED', 'SHIPPED', 'DELIVERED']);
    eachEventHasCatalogFields(followed);
  });

  test('over WebSocket (graphql-ws): every status change of the order, in order, each with its products from catalog', async () => {
    const id = await placeOrder();
    const followed = followOverWebSocket(wsClient(buyer.authorization), id);
    await delivered(followed, 1);
    await advance(id);
    await advance(id);
    await expect(followed.ended).resolves.toBe('complete');
    expect(statuses(followed)).toEqual(['PLACED', 'SHIPPED', 'DELIVERED']);
    eachEventHasCatalogFields(followed);
  });

  test('/metrics counts the open subscriptions and the events delivered', async () => {
    const metrics = async () => (await fetch(web.url.replace(/\/graphql$/, '/metrics'))).text();
    const value = (text: string, name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    const before = await metrics();
    const id = await placeOrder();
    const followed = followOverSse(web, buyer, id);
    await delivered(followed, 1);
    const during = await metrics();
    expect(value(during, 'bff_open_subscriptions')).toBe(value(before, 'bff_open_subscriptions') + 1);
    await advance(id);
    await advance(id);
    await followed.ended;
    const after = await metrics();
    expect(value(after, 'bff_subscription_events_total')).toBe(value(before, 'bff_subscription_events_total') + 3);
    expect(value(after, 'bff_open_subscriptions')).toBe(value(before, 'bff_open_subscriptions'));
  });

  test("another user's order is refused on both transports", async () => {
    const id = await placeOrder();
    const stranger = await bearer(STRANGER, BUYER_SCOPES);
    const overSse = followOverSse(web, stranger, id);
    const overWebSocket = followOverWebSocket(wsClient(stranger.authorization), id);
    for (const followed of [overSse, overWebSocket]) {
      await followed.ended;
      expect(statuses(followed)).toEqual(['NOT_FOUND']);
      expect(followed.events[0].data).toBeFalsy();
    }
  });

  test('without a token the subscription is refused (401 over SSE, an error message over WebSocket)', async () => {
    const id = await placeOrder();
    const overSse = followOverSse(web, {}, id);
    const how = await overSse.ended;
    expect(how).toMatchObject({ error: expect.anything() });
    expect(String((how as { error: unknown }).error)).toMatch(/401|UNAUTHENTICATED|authenticated/i);
    const overWebSocket = followOverWebSocket(wsClient(), id);
    const refused = (await overWebSocket.ended) as { error: any };
    expect(refused.error[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  test('a bad token closes the WebSocket connection at connection time', async () => {
    const followed = followOverWebSocket(wsClient('Bearer not-a-token'), 'o-1');
    const how = (await followed.ended) as { error: { code?: number } };
    expect(how.error.code).toBe(4403);
  });

  test('a subscription over plain HTTP is refused with STREAMING_TRANSPORT_REQUIRED', async () => {
    const reply = await web.post({ query: FOLLOW, variables: { id: 'o-1' } }, buyer);
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].extensions.code).toBe('STREAMING_TRANSPORT_REQUIRED');
  });

  test('a token that expires ends the subscription with UNAUTHENTICATED', async () => {
    const id = await placeOrder();
    const shortLived = `Bearer ${await mintToken(DEVELOPMENT_JWT, BUYER, BUYER_SCOPES, 2)}`;
    const followed = followOverSse(web, { authorization: shortLived }, id);
    await delivered(followed, 1);
    await expect(followed.ended).resolves.toBe('complete');
    expect(statuses(followed)).toEqual(['PLACED', 'UNAUTHENTICATED']);
    expect(followed.events[1].errors[0].message).toMatch(/expired/);
  });

  test('open subscriptions are limited per connection and per user, with SUBSCRIPTION_LIMIT_EXCEEDED', async () => {
    const limited = await stack.bff(withSubscriptionLimits(webBff, 1, 2), 'development');
    const ids = [await placeOrder(), await placeOrder(), await placeOrder()];
    const client = webSocketClient(limited, buyer.authorization);
    clients.push(client);
    const first = followOverWebSocket(client, ids[0]!);
    await delivered(first, 1);
    const secondOnConnection = followOverWebSocket(client, ids[1]!);
    const refused = (await secondOnConnection.ended) as { error: any };
    expect(refused.error[0].extensions).toMatchObject({ code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: 1 });

    const second = followOverSse(limited, buyer, ids[1]!);
    await delivered(second, 1);
    const third = followOverSse(limited, buyer, ids[2]!);
    const how = (await third.ended) as { error: unknown };
    expect(String(how.error)).toMatch(/429|SUBSCRIPTION_LIMIT_EXCEEDED/);
    // A slot given back is a slot again.
    second.stop();
    first.stop();
    let again: Followed;
    for (;;) {
      again = followOverSse(limited, buyer, ids[2]!);
      const ended = await Promise.race([again.ended, delivered(again, 1).then(() => 'open' as const)]);
      if (ended === 'open') break;
    }
    again.stop();
  });

  test('100 concurrent subscribers on one BFF all get every event', async () => {
    const many = await stack.bff(withSubscriptionLimits(webBff, 10, 100), 'development');
    const id = await placeOrder();
    const followers = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? followOverSse(many, buyer, id) : followOverWebSocket(track(webSocketClient(many, buyer.authorization)), id)));
    await Promise.all(followers.map((followed) => delivered(followed, 1)));
    await advance(id);
    await advance(id);
    await Promise.all(followers.map((followed) => followed.ended));
    for (const followed of followers) {
      // The events themselves on a failure: an error's message says what went wrong.
      if (statuses(followed).join() !== 'PLACED,SHIPPED,DELIVERED') throw new Error(`a subscriber got ${JSON.stringify(followed.events)}`);
    }
  });
  const track = (client: WsClient) => {
    clients.push(client);
    return client;
  };

  test('a BFF that drains ends its subscriptions with complete on both transports', async () => {
    const draining = await stack.bff(webBff, 'development');
    const id = await placeOrder();
    const overSse = followOverSse(draining, buyer, id);
    const overWebSocket = followOverWebSocket(track(webSocketClient(draining, buyer.authorization)), id);
    await Promise.all([delivered(overSse, 1), delivered(overWebSocket, 1)]);
    await draining.server.stop();
    await expect(overSse.ended).resolves.toBe('complete');
    await expect(overWebSocket.ended).resolves.toBe('complete');
  });

  test('mobile subscribes with persisted operations only: its released FollowOrder over both transports, free text refused', async () => {
    const mobile = await stack.bff(mobileBff, 'production');
    const release = JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases/1.3.0.json'), 'utf8')) as PersistedQueryManifest;
    const followOrder = release.operations.find((op) => op.type === 'subscription' && op.body.includes('orderStatusChanged'))!;
    const app = { 'apollographql-client-name': 'mobile', 'apollographql-client-version': '1.3.0' };
    const persisted = { extensions: { persistedQuery: { version: 1, sha256Hash: followOrder.id } } };
    const id = await placeOrder();

    const freeText = followOverSse(mobile, { ...buyer, ...app }, id);
    expect(String(((await freeText.ended) as { error: unknown }).error)).toMatch(/PERSISTED_QUERY_REQUIRED|400/);

    const sse = createSseClient({ url: mobile.url, headers: { ...buyer, ...app }, retryAttempts: 0 });
    const overSse: Followed = { events: [], ended: undefined as never, stop: () => {} };
    overSse.ended = new Promise((resolve) => {
      overSse.stop = sse.subscribe({ query: undefined as unknown as string, variables: { id }, ...persisted }, { next: (event) => void overSse.events.push(event), error: (error) => resolve({ error }), complete: () => resolve('complete') });
    });
    const ws = track(createWsClient({ url: mobile.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: buyer.authorization, clientName: 'mobile', clientVersion: '1.3.0' } }));
    const overWebSocket: Followed = { events: [], ended: undefined as never, stop: () => {} };
    overWebSocket.ended = new Promise((resolve) => {
      overWebSocket.stop = ws.subscribe({ query: '', variables: { id }, ...persisted }, { next: (event) => void overWebSocket.events.push(event), error: (error) => resolve({ error }), complete: () => resolve('complete') });
    });
    await Promise.all([delivered(overSse, 1), delivered(overWebSocket, 1)]);
    await advance(id);
    await advance(id);
    for (const followed of [overSse, overWebSocket]) {
      await expect(followed.ended).resolves.toBe('complete');
      expect(followed.events.map((event) => event.data?.orderStatusChanged?.status)).toEqual(['PLACED', 'SHIPPED', 'DELIVERED']);
    }
  });

  // Last: it stops the stack's orders subgraph.
  test('when the subgraph goes away, the client gets SUBGRAPH_UNAVAILABLE and the subscription ends', async () => {
    const id = await placeOrder();
    const overSse = followOverSse(web, buyer, id);
    const overWebSocket = followOverWebSocket(wsClient(buyer.authorization), id);
    await Promise.all([delivered(overSse, 1), delivered(overWebSocket, 1)]);
    await stack.subgraphs.orders!.stop();
    for (const followed of [overSse, overWebSocket]) {
      await expect(followed.ended).resolves.toBe('complete');
      expect(statuses(followed)).toEqual(['PLACED', 'SUBGRAPH_UNAVAILABLE']);
    }
  });
});
