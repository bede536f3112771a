import { startTestStack, type TestBff, type TestStack } from '@bff/core/testing';
import { mobileBff } from '@bff/mobile';
import { describeWithBrowser } from '@bff/platform/testing';
import { openClientInBrowser, type ClientInBrowser } from '@bff/tools/testing';
import type { Page, Request, Response } from 'playwright-core';

/**
 * The mobile app in Chromium at a phone's size, built as `npm start` builds it, against the
 * mobile BFF in production mode: persisted queries only, as the app ships.
 */
describeWithBrowser('mobile app in Chromium', () => {
  let stack: TestStack;
  let bff: TestBff;
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
    const signIn = await stack.bff(mobileBff, 'development');
    app = await openClientInBrowser('mobile', { graphql: bff.url, auth: signIn.url }, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
    ({ page, url: siteUrl, graphqlRequests: requests, screenshots: shots } = app);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.stop();
  });

  const cards = () => page.getByRole('button').filter({ hasText: '$' });

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
