import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearer, startTestStack, type TestBff, type TestStack } from '@bff/core/testing';
import { clientFiles, readManifest } from '@bff/formats';
import { mobileBff } from '@bff/mobile';
import { describeWithBrowser } from '@bff/platform/testing';
import { openClientInBrowser, type ClientInBrowser } from '@bff/tools/testing';
import type { Page, Request, Response } from 'playwright-core';

const files = clientFiles('mobile');
const appVersion = (JSON.parse(readFileSync(join(files.appDir, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The mobile app in Chromium at a phone's size, built as `npm start` builds it, against the
 * mobile BFF in production mode: persisted queries only, as the app ships.
 */
describeWithBrowser('mobile app in Chromium', () => {
  let stack: TestStack;
  let bff: TestBff;
  let signIn: TestBff;
  let app: ClientInBrowser;
  let page: Page;
  let siteUrl: string;
  let requests: Request[];
  let shots: string;

  beforeAll(async () => {
    stack = await startTestStack();
    // Production: query text is refused, so a page that works sent ids only. The sign-in
    // route exists only in development, so a development BFF over the same stack serves it.
    bff = await stack.bff(mobileBff, 'production');
    signIn = await stack.bff(mobileBff, 'development');
    app = await openClientInBrowser('mobile', { graphql: bff.url, auth: signIn.url }, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
    ({ page, url: siteUrl, graphqlRequests: requests, screenshots: shots } = app);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.stop();
  });

  const cards = () => page.getByRole('button').filter({ hasText: '$' });
  /** From the feed, an order of one product: the app then opens the new order's screen. */
  const placeAnOrder = async () => {
    await page.goto(siteUrl);
    await cards().nth(1).click();
    await page.getByRole('button', { name: 'Place order' }).click();
  };
  const isFollow = (request: Request) => (request.headers()['accept'] ?? '').includes('text/event-stream');
  /** A counter or gauge of the production BFF's /metrics (summed over its series). */
  const bffMetric = async (name: string) => {
    const text = await (await fetch(bff.url.replace(/\/graphql$/, '/metrics'))).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  };

  test('the feed renders product cards, a product opens, an order is placed', async () => {
    const feedReply = page.waitForResponse((r) => r.url().includes('/graphql?') && r.request().method() === 'GET' && r.url().includes('%22first%22'));
    await page.goto(siteUrl);
    await cards().first().waitFor();
    expect(await cards().count()).toBeGreaterThanOrEqual(4);
    const feed: Response = await feedReply;
    const feedRequest = feed.request();
    const requestLine = `GET ${new URL(feedRequest.url()).pathname}${new URL(feedRequest.url()).search} HTTP/1.1`;
    const replyBytes = (await feed.body()).length;
    console.log(`mobile feed: request line ${Buffer.byteLength(requestLine)} bytes, no body; reply ${replyBytes} bytes (${feed.headers()['cache-control']})`);
    expect(feed.headers()['cache-control']).toMatch(/public/);
    await page.screenshot({ path: `${shots}/feed.png` });

    // Sign in from the feed's header.
    await page.getByText('Sign in').first().click();
    await page.getByText('Choose a test account').waitFor();
    await page.getByText('u-005').click();
    await page.getByText('Account').first().waitFor();

    // A product, then an order of it.
    const name = (await cards().nth(2).innerText()).split('\n')[0]!;
    await cards().nth(2).click();
    await page.getByText('Reviews', { exact: true }).waitFor();
    await page.screenshot({ path: `${shots}/product.png` });
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByText('Thank you! Your order is placed.').waitFor();
    await page.screenshot({ path: `${shots}/order.png` });
    expect(await page.getByText(name).count()).toBeGreaterThan(0);
  });

  test('a dropped connection while placing an order: the app sends it again with the same key, and one order is made', async () => {
    const placeOrders: string[] = [];
    let dropped = false;
    await page.route('**/graphql', async (route) => {
      const body = route.request().postData() ?? '';
      const key = /"idempotencyKey":"([^"]+)"/.exec(body)?.[1];
      if (!key) return route.fallback();
      placeOrders.push(key);
      if (dropped) return route.fallback();
      dropped = true;
      // The order is placed, but the reply never arrives.
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.goto(siteUrl);
    await cards().nth(3).click();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByText('Thank you! Your order is placed.').waitFor({ timeout: 60_000 });
    await page.unroute('**/graphql');
    expect(placeOrders.length).toBeGreaterThanOrEqual(2);
    expect(new Set(placeOrders).size).toBe(1);
    // The order screen shows that one order; the account lists it once.
    const number = (await page.locator('text=/^SO-\\d+$/').first().innerText()).trim();
    await page.goto(siteUrl);
    await page.getByText('Account').first().click();
    await page.getByText(number).first().waitFor();
    expect(await page.getByText(number).count()).toBe(1);
  });

  test('the order screen follows its order: shipped, then delivered, shown as they happen without a reload', async () => {
    const eventsBefore = await bffMetric('bff_subscription_events_total');
    const placeOrderReply = page.waitForResponse((r) => r.request().method() === 'POST' && (r.request().postData() ?? '').includes('"idempotencyKey"'));
    const followRequest = page.waitForRequest(isFollow);
    await placeAnOrder();
    await page.getByText('Thank you! Your order is placed.').waitFor();
    const orderId = ((await (await placeOrderReply).json()) as { data: { placeOrder: { id: string } } }).data.placeOrder.id;

    // FollowOrder went out as the app's other POSTs do: its id only, with the user's token
    // and the app's name and version, over SSE; and the BFF is streaming it.
    const follow = await followRequest;
    const followId = readManifest(join(files.releasesDir, `${appVersion}.json`)).operations.find((op) => op.name === 'FollowOrder')!.id;
    expect(JSON.parse(follow.postData()!)).toEqual({ documentId: `sha256:${followId}`, variables: { id: orderId } });
    expect(follow.headers()).toEqual(
      expect.objectContaining({ authorization: expect.stringMatching(/^Bearer /), 'apollographql-client-name': 'mobile-app', 'apollographql-client-version': appVersion }),
    );
    const followEnded = new Promise<string>((resolve) => {
      page.on('requestfinished', (r) => r === follow && resolve('finished'));
      page.on('requestfailed', (r) => r === follow && resolve(`failed: ${r.failure()?.errorText}`));
    });
    const stream = (await follow.response())!;
    expect({ status: stream.status(), type: stream.headers()['content-type'] }).toEqual({ status: 200, type: expect.stringMatching(/^text\/event-stream/) });
    expect(await page.getByText(/^(Shipped|Delivered)$/).count()).toBe(0);
    await page.evaluate(() => ((globalThis as unknown as { stillThisPage: boolean }).stillThisPage = true));
    const requestsBefore = requests.length;

    // Fulfilment staff move the order on, through the mobile BFF (the development one over the
    // same subgraphs: the production one runs safelisted operations only).
    const staff = await bearer('staff-e2e', ['orders:fulfil']);
    const advance = async () => {
      const { status, body } = await signIn.post({ query: 'mutation Advance($id: ID!) { advanceOrder(id: $id) { id status } }', variables: { id: orderId } }, staff);
      expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
      return body.data.advanceOrder.status as string;
    };
    expect(await advance()).toBe('SHIPPED');
    await page.getByText('Shipped', { exact: true }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${shots}/order-shipped.png` });
    expect(await advance()).toBe('DELIVERED');
    await page.getByText('Delivered', { exact: true }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${shots}/order-delivered.png` });

    // The same page, and nothing fetched again: both changes came over the one stream, which
    // ended with the delivery, and the screen keeps the last status without a notice.
    expect(await page.evaluate(() => (globalThis as unknown as { stillThisPage?: boolean }).stillThisPage)).toBe(true);
    expect(requests.slice(requestsBefore).map((r) => r.url())).toEqual([]);
    expect(await followEnded).toMatch(/finished|aborted/i); // graphql-sse closes the response once it reads `complete`
    expect(await bffMetric('bff_subscription_events_total')).toBe(eventsBefore + 3); // as it was, shipped, delivered
    expect(await bffMetric('bff_open_subscriptions')).toBe(0);
    expect(await page.getByText('Delivered', { exact: true }).count()).toBe(1);
    expect(await page.getByText(/Live status updates stopped/).count()).toBe(0);
  });

  test('a follow the BFF ends while the order can still change (a BFF that drains): the screen follows it again', async () => {
    // The first follow gets the order as it is, then `complete`, as a draining BFF ends it;
    // the ones after reach the BFF.
    const follows: Request[] = [];
    let reopen: (request: Request) => void;
    const reopened = new Promise<Request>((resolve) => (reopen = resolve));
    await page.route('**/graphql', async (route) => {
      if (!isFollow(route.request())) return route.fallback();
      follows.push(route.request());
      if (follows.length === 2) reopen(route.request());
      if (follows.length > 1) return route.fallback();
      const { id } = (JSON.parse(route.request().postData()!) as { variables: { id: string } }).variables;
      const event = { data: { orderStatusChanged: { __typename: 'Order', id, status: 'PLACED', cancelledAt: null } } };
      await route.fulfill({ status: 200, contentType: 'text/event-stream', body: `event: next\ndata: ${JSON.stringify(event)}\n\nevent: complete\ndata:\n\n` });
    });
    try {
      await placeAnOrder();
      await page.getByText('Thank you! Your order is placed.').waitFor();
      const follow = await Promise.race([reopened, page.waitForTimeout(15_000).then(() => Promise.reject(new Error('the ended follow was not opened again')))]);
      const orderId = (JSON.parse(follow.postData()!) as { variables: { id: string } }).variables.id;
      expect(follows.map((r) => JSON.parse(r.postData()!).variables.id)).toEqual([orderId, orderId]);
      const stream = (await follow.response())!;
      expect(stream.status()).toBe(200);

      // A later change still reaches the screen, over the reopened stream; the delivery ends
      // that one, and a delivered order is not followed again.
      const staff = await bearer('staff-e2e', ['orders:fulfil']);
      const advance = async () => (await signIn.post({ query: 'mutation Advance($id: ID!) { advanceOrder(id: $id) { id status } }', variables: { id: orderId } }, staff)).body.data.advanceOrder.status as string;
      expect(await advance()).toBe('SHIPPED');
      await page.getByText('Shipped', { exact: true }).waitFor({ timeout: 15_000 });
      const followEnded = new Promise<void>((resolve) => {
        page.on('requestfinished', (r) => r === follow && resolve());
        page.on('requestfailed', (r) => r === follow && resolve());
      });
      expect(await advance()).toBe('DELIVERED');
      await page.getByText('Delivered', { exact: true }).waitFor({ timeout: 15_000 });
      await followEnded;
      await page.waitForTimeout(500);
      expect(follows).toHaveLength(2);
      expect(await page.getByText(/Live status updates stopped/).count()).toBe(0);
    } finally {
      await page.unroute('**/graphql');
    }
  });

  test('a follow that ends before any event is not opened again (no loop)', async () => {
    let follows = 0;
    await page.route('**/graphql', (route) =>
      isFollow(route.request()) ? (follows++, route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'event: complete\ndata:\n\n' })) : route.fallback(),
    );
    try {
      // graphql-sse aborts the response once it reads `complete`, so Chromium may report the
      // request as finished or as failed depending on when the abort lands.
      const ended = new Promise<void>((resolve) => {
        page.on('requestfinished', (r) => isFollow(r) && resolve());
        page.on('requestfailed', (r) => isFollow(r) && resolve());
      });
      await placeAnOrder();
      await page.getByText('Thank you! Your order is placed.').waitFor();
      await ended;
      await page.waitForTimeout(1_000);
      expect(follows).toBe(1);
    } finally {
      await page.unroute('**/graphql');
    }
  });

  test('a follow that fails: the screen keeps the status it has and says live updates stopped', async () => {
    // The connection for the stream is reset; everything else goes through.
    await page.route('**/graphql', (route) => (isFollow(route.request()) ? route.abort('connectionreset') : route.fallback()));
    try {
      await placeAnOrder();
      await page.getByText('Thank you! Your order is placed.').waitFor();
      await page.getByText(/Live status updates stopped/).waitFor({ timeout: 15_000 });
      await page.screenshot({ path: `${shots}/order-follow-stopped.png` });
      // Still the order screen, its status as it was ("Placed" is also the label of the date row).
      expect(await page.getByText('Placed', { exact: true }).count()).toBe(2);
      expect(await page.getByText(/^(Shipped|Delivered|Cancelled)$/).count()).toBe(0);
    } finally {
      await page.unroute('**/graphql');
    }
  });

  test('a follow the BFF refuses (an id in no supported release): the app asks for an update, as for any operation', async () => {
    const refusal = page.waitForResponse((r) => isFollow(r.request()));
    await page.route('**/graphql', (route) =>
      isFollow(route.request())
        ? route.continue({ postData: route.request().postData()!.replace(/sha256:[0-9a-f]{64}/, `sha256:${'0'.repeat(64)}`) })
        : route.fallback(),
    );
    try {
      await placeAnOrder();
      const answer = await refusal;
      expect({ status: answer.status(), code: ((await answer.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code }).toEqual({
        status: 400,
        code: 'PERSISTED_QUERY_NOT_IN_LIST',
      });
      await page.getByText('Please update the app').waitFor();
    } finally {
      await page.unroute('**/graphql');
    }
  });

  test('every request the app sent was hash-only', () => {
    expect(requests.length).toBeGreaterThan(3);
    for (const request of requests) {
      const url = new URL(request.url());
      expect(url.searchParams.has('query')).toBe(false);
      const body = request.postData();
      if (request.method() === 'GET') {
        expect(url.searchParams.get('documentId')).toMatch(/^sha256:[0-9a-f]{64}$/);
      } else {
        const operations = [JSON.parse(body!)].flat() as Record<string, unknown>[];
        for (const operation of operations) {
          expect(operation.query).toBeUndefined();
          expect(operation.documentId).toMatch(/^sha256:[0-9a-f]{64}$/);
        }
      }
    }
  });
});
