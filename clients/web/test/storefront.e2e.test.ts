import { bearer, startTestStack, type TestBff, type TestStack } from '@bff/core/testing';
import { describeWithBrowser } from '@bff/platform/testing';
import { openClientInBrowser, type ClientInBrowser } from '@bff/tools/testing';
import { webBff } from '@bff/web';
import type { Page, Request, Route } from 'playwright-core';

/**
 * The storefront in Chromium, built as `npm start` builds it, served as `npm start` serves
 * it (same origin as its BFF), over the five subgraphs and the web BFF.
 */
describeWithBrowser('storefront in Chromium', () => {
  let stack: TestStack;
  let bff: TestBff;
  let app: ClientInBrowser;
  let page: Page;
  let siteUrl: string;
  let graphqlRequests: Request[];
  let shots: string;

  beforeAll(async () => {
    stack = await startTestStack();
    bff = await stack.bff(webBff, 'development');
    app = await openClientInBrowser('web', { graphql: bff.url }, { viewport: { width: 1280, height: 900 } });
    ({ page, url: siteUrl, graphqlRequests, screenshots: shots } = app);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.stop();
  });

  /** Stock of a product as the BFF tells it, to see what an order and its cancellation did. */
  const available = async (sku: string): Promise<number> => (await bff.post({ query: `{ product(sku: "${sku}") { stock { available } } }` })).body.data.product.stock.available;

  /** The signed-in visitor's headers, with the token the page keeps. */
  const visitor = async () => ({ authorization: `Bearer ${await page.evaluate<string>("JSON.parse(sessionStorage.getItem('storefront.session')).token")}` });

  /** Signs the visitor in (the first seeded user, as the checkout does) unless someone is: the page's "My orders" sends an anonymous visitor to sign in. */
  const signIn = async () => {
    await page.goto(`${siteUrl}/orders`);
    const signInPage = page.getByRole('heading', { name: 'Sign in' });
    const myOrders = page.getByRole('heading', { name: 'My orders' });
    await signInPage.or(myOrders).waitFor();
    if (await myOrders.isVisible()) return;
    await page.locator('.sign-in .users button').first().click();
    await myOrders.waitFor();
  };

  /** An order of the signed-in visitor (signing in first if nobody is), placed through the BFF: one unit of a product in stock. */
  const placeOrder = async (): Promise<string> => {
    await signIn();
    const products = (await bff.post({ query: '{ products(first: 20) { nodes { id stock { available } } } }' })).body.data.products.nodes;
    const productId = products.find((p: { stock: { available: number } }) => p.stock.available > 2).id;
    const input = { idempotencyKey: `e2e-follow-${Date.now()}-${Math.random()}`, lines: [{ productId, quantity: 1 }] };
    const placed = await bff.post({ query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', variables: { input } }, await visitor());
    expect(placed.body.errors).toBeUndefined();
    return placed.body.data.placeOrder.id;
  };

  /** Fulfilment staff move the order on (PLACED -> SHIPPED -> DELIVERED), at the BFF, as the staff's tools would. */
  const advance = async (id: string): Promise<string> => {
    const moved = await bff.post({ query: 'mutation ($id: ID!) { advanceOrder(id: $id) { status } }', variables: { id } }, await bearer('staff-web-e2e', ['orders:fulfil']));
    expect(moved.body.errors).toBeUndefined();
    return moved.body.data.advanceOrder.status;
  };

  const statusShown = (status: string) => page.getByTestId('order-status').filter({ hasText: status }).waitFor();

  /** The page's FollowOrder subscription requests for one order (GraphQL over SSE: a POST that accepts text/event-stream). */
  const isFollowing = (request: Request, id: string) =>
    request.method() === 'POST' && request.headers()['accept'] === 'text/event-stream' && (request.postData() ?? '').includes(`"id":"${id}"`);

  test('browse, search, open a product, add it to the cart, sign in, check out, see the order, cancel it', async () => {
    await page.goto(siteUrl);
    await page.getByRole('heading', { name: 'Featured' }).waitFor();
    await page.locator('.grid .tile').first().waitFor();
    expect(await page.locator('.grid .tile').count()).toBe(8);
    await page.screenshot({ path: `${shots}/home.png` });

    // A category, from the bar every page has.
    const categoryLink = page.locator('nav.categories a').first();
    const categoryName = (await categoryLink.textContent())!;
    await categoryLink.click();
    await page.getByRole('heading', { level: 1, name: categoryName }).waitFor();
    const before = await page.locator('.grid .tile').count();
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.locator('.grid .tile').nth(before).waitFor();

    // Search for the first product's name, then open it.
    const product = (await bff.post({ query: '{ products(first: 1) { nodes { sku name seo { title } } } }' })).body.data.products.nodes[0];
    await page.getByRole('searchbox', { name: 'Search products' }).fill(product.name);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: `Results for “${product.name}”` }).waitFor();
    await page.locator('.grid .tile a', { hasText: product.name }).first().click();
    await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
    // The title is set once the page has rendered (an effect), a moment after the heading shows.
    await page.waitForFunction((title) => (globalThis as unknown as { document: { title: string } }).document.title === title, product.seo.title);
    expect(await page.title()).toBe(product.seo.title);
    expect(await page.locator('.gallery img').first().getAttribute('srcset')).toMatch(/\d+w/);
    await page.locator('.review').first().waitFor();
    const reviewsShown = await page.locator('.review').count();
    const moreReviews = page.getByRole('button', { name: 'More reviews' });
    if (await moreReviews.isVisible()) {
      await moreReviews.click();
      await page.locator('.review').nth(reviewsShown).waitFor();
    }
    await page.screenshot({ path: `${shots}/product.png` });

    // Two into the cart; the cart survives a reload.
    const stockBefore = await available(product.sku);
    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect(page.getByTestId('cart-count').textContent()).resolves.toBe('2');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
    expect(await page.getByTestId('cart-count').textContent()).toBe('2');

    // Checkout asks the anonymous visitor to sign in first, then comes back.
    await page.getByRole('link', { name: /^Cart/ }).click();
    await page.getByRole('link', { name: 'Checkout' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.screenshot({ path: `${shots}/sign-in.png` });
    await page.locator('.sign-in .users button').first().click();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBeTruthy();

    // A double click on "Place order" makes one order: one idempotency key per checkout.
    await page.getByRole('button', { name: 'Place order' }).dblclick();
    await page.getByText(/Thank you! Your order .* is placed\./).waitFor();
    const orderNumber = (await page.getByTestId('order-number').textContent())!;
    expect(await available(product.sku)).toBe(stockBefore - 2);
    expect(await page.getByTestId('cart-count').textContent()).toBe('0');
    await page.screenshot({ path: `${shots}/order-placed.png` });

    // The order is in my orders, once.
    await page.getByRole('link', { name: 'My orders', exact: true }).click();
    await page.getByRole('heading', { name: 'My orders' }).waitFor();
    await page.getByTestId('order-row').first().waitFor();
    expect(await page.getByTestId('order-row').filter({ hasText: orderNumber }).count()).toBe(1);
    const placeOrders = graphqlRequests.filter((r) => r.method() === 'POST' && (r.postData() ?? '').includes('"operationName":"PlaceOrder"'));
    const keys = new Set(placeOrders.map((r) => JSON.parse(r.postData()!).variables.input.idempotencyKey as string));
    expect(keys.size).toBe(1);

    // Cancelling returns the stock.
    await page.getByRole('link', { name: orderNumber }).click();
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByTestId('order-status').filter({ hasText: 'Cancelled' }).first().waitFor();
    expect(await available(product.sku)).toBe(stockBefore);
  });

  test('a checkout whose reply was lost is sent again with the same key and makes one order', async () => {
    const myOrders = async () => (await bff.post({ query: '{ myOrders(first: 50) { nodes { number } } }' }, await visitor())).body.data.myOrders.nodes.length;
    const ordersBefore = await myOrders();
    await page.goto(`${siteUrl}/p/AUD-0002`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    // The first PlaceOrder reaches the BFF and places the order, but its reply is lost on the way back.
    let sent = 0;
    await page.route('**/graphql', async (route) => {
      if (!(route.request().postData() ?? '').includes('"operationName":"PlaceOrder"') || sent++ > 0) return route.fallback();
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.goto(`${siteUrl}/checkout`);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByText(/Thank you! Your order .* is placed\./).waitFor();
    await page.unroute('**/graphql');
    expect(sent).toBe(2);
    expect(await myOrders()).toBe(ordersBefore + 1);
  });

  test('the order page follows its order: shipped, then delivered by staff, each shown as it happens, without a reload', async () => {
    const id = await placeOrder();
    await page.goto(`${siteUrl}/orders/${id}`);
    await statusShown('Placed');
    // Gone if the page reloads.
    await page.evaluate('window.__sameDocument = true');

    expect(await advance(id)).toBe('SHIPPED');
    await statusShown('Shipped');
    expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
    expect(await advance(id)).toBe('DELIVERED');
    await statusShown('Delivered');
    await page.screenshot({ path: `${shots}/order-delivered.png` });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);

    // One subscription over SSE on the page's origin: the query text, the visitor's token and the app's name and version.
    const follows = graphqlRequests.filter((request) => isFollowing(request, id));
    expect(follows).toHaveLength(1);
    const headers = await follows[0]!.allHeaders();
    expect(headers.authorization).toBe((await visitor()).authorization);
    expect(headers['apollographql-client-name']).toBe('web-storefront');
    expect(headers['apollographql-client-version']).toMatch(/^\d+\.\d+\.\d+$/);
    const body = JSON.parse(follows[0]!.postData()!);
    expect(body).toMatchObject({ operationName: 'FollowOrder', variables: { id } });
    expect(body.query).toMatch(/^subscription FollowOrder\b/);
    expect(body.extensions?.persistedQuery).toBeUndefined();

    // A delivered order does not change any more: opened again, the page does not follow it.
    await page.reload();
    await statusShown('Delivered');
    expect(graphqlRequests.filter((request) => isFollowing(request, id))).toHaveLength(1);
  });

  /**
   * Runs `steps` with the page's first FollowOrder subscription for the order answered by `reply`
   * instead of the BFF (the ones after reach the BFF); returns how many the page opened.
   */
  const withFirstFollowAnswered = async (id: string, reply: Parameters<Route['fulfill']>[0], steps: () => Promise<void>): Promise<number> => {
    let opened = 0;
    await page.route('**/graphql', async (route) => {
      if (!isFollowing(route.request(), id) || opened++ > 0) return route.fallback();
      await route.fulfill(reply);
    });
    try {
      await steps();
    } finally {
      await page.unroute('**/graphql');
    }
    return opened;
  };

  test('a subscription the BFF refuses shows the error notice over the order, and "Try again" follows the order again', async () => {
    const id = await placeOrder();
    const refusal = { errors: [{ message: 'busy', extensions: { code: 'SERVICE_UNAVAILABLE' } }] };
    const opened = await withFirstFollowAnswered(id, { status: 503, contentType: 'application/json', body: JSON.stringify(refusal) }, async () => {
      await page.goto(`${siteUrl}/orders/${id}`);
      await page.getByRole('alert').getByText('SERVICE_UNAVAILABLE').waitFor();
      await statusShown('Placed');
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('alert').waitFor({ state: 'detached' });
      expect(await advance(id)).toBe('SHIPPED');
      await statusShown('Shipped');
    });
    expect(opened).toBe(2);
  });

  test('a subscription that ends while the order can still change (a BFF that drains) is opened again', async () => {
    const id = await placeOrder();
    // The first subscription gets the order as it is, then `complete`, as a draining BFF ends it.
    const event = { data: { orderStatusChanged: { __typename: 'Order', id, status: 'PLACED', cancelledAt: null } } };
    const drained = `event: next\ndata: ${JSON.stringify(event)}\n\nevent: complete\ndata:\n\n`;
    const opened = await withFirstFollowAnswered(id, { status: 200, contentType: 'text/event-stream', body: drained }, async () => {
      await page.goto(`${siteUrl}/orders/${id}`);
      await statusShown('Placed');
      expect(await advance(id)).toBe('SHIPPED');
      await statusShown('Shipped');
    });
    expect(opened).toBe(2);
  });

  test('queries go as automatic persisted queries over GET, with the client name and version', async () => {
    const gets = graphqlRequests.filter((r) => r.method() === 'GET');
    expect(gets.length).toBeGreaterThan(0);
    for (const request of gets) {
      const url = new URL(request.url());
      expect(JSON.parse(url.searchParams.get('extensions')!).persistedQuery.sha256Hash).toMatch(/^[0-9a-f]{64}$/);
      const headers = await request.allHeaders();
      expect(headers['apollographql-client-name']).toBe('web-storefront');
      expect(headers['apollographql-client-version']).toMatch(/^\d+\.\d+\.\d+$/);
    }
    // Each query text crossed the wire at most once (when the BFF did not know its hash yet).
    const withText = gets.filter((r) => new URL(r.url()).searchParams.has('query')).map((r) => new URL(r.url()).searchParams.get('operationName'));
    expect(new Set(withText).size).toBe(withText.length);
  });

  test('a refused request (503) shows a retry that works once the BFF answers again', async () => {
    // The BFF refuses the category page once: a 503 the first time, then the real answer.
    let refused = 0;
    await page.route('**/graphql?*operationName=CategoryPage*', async (route) => {
      if (refused++ > 0) return route.fallback();
      await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ errors: [{ message: 'busy', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }) });
    });
    await page.goto(`${siteUrl}/c/audio`);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audio' }).waitFor();
    await page.unroute('**/graphql?*operationName=CategoryPage*');
    expect(refused).toBe(2);
  });

  test('a token the BFF refuses (401) signs the visitor out and sends them to sign in', async () => {
    await page.goto(siteUrl);
    await page.evaluate(`sessionStorage.setItem('storefront.session', JSON.stringify({ token: 'not-a-valid-token', expiresAt: '2999-01-01T00:00:00Z', user: { id: 'u-001', name: 'Someone' } }))`);
    await page.goto(`${siteUrl}/orders`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/orders');
    expect(await page.evaluate<string | null>("sessionStorage.getItem('storefront.session')")).toBeNull();
  });

  test('the product page asks for its reviews with @defer and shows them from the deferred part of a multipart/mixed reply', async () => {
    const product = (await bff.post({ query: '{ products(first: 1, categoryId: "c-02") { nodes { sku name } } }' })).body.data.products.nodes[0];
    // The page's reply, read on its way to the browser (Apollo Client stops reading at the closing
    // boundary, so the network log may never have the whole body); after a PERSISTED_QUERY_NOT_FOUND
    // (the BFF did not know the hash yet) the last is the one that answered.
    const replies: { contentType: string | undefined; body: string }[] = [];
    const isProductPage = (request: Request) =>
      new URL(request.url()).searchParams.get('operationName') === 'ProductPage' || (request.postData() ?? '').includes('"operationName":"ProductPage"');
    await page.route('**/graphql*', async (route) => {
      if (!isProductPage(route.request())) return route.fallback();
      const response = await route.fetch();
      replies.push({ contentType: response.headers()['content-type'], body: await response.text() });
      await route.fulfill({ response });
    });
    try {
      await page.goto(`${siteUrl}/p/${product.sku}`);
      await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
      await page.locator('.review').first().waitFor();
    } finally {
      await page.unroute('**/graphql*');
    }
    expect(await page.getByTestId('reviews-loading').count()).toBe(0);

    // Passed through the storefront's server as the BFF wrote it: the product first, then the reviews at its path.
    const reply = replies.at(-1)!;
    expect(reply.contentType).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
    const parts = reply.body.split('\r\n---').flatMap((part) => (part.includes('\r\n\r\n{') ? [JSON.parse(part.slice(part.indexOf('\r\n\r\n')))] : []));
    expect(parts[0].data.product).toMatchObject({ sku: product.sku, name: product.name });
    expect(parts[0].data.product.reviews).toBeUndefined();
    const [deferred] = parts.flatMap((part) => part.incremental ?? []);
    expect(deferred).toMatchObject({ label: 'reviews', path: ['product'] });
    expect(parts.at(-1)).toEqual({ hasNext: false });
    // The reviews on the page are the deferred part's.
    const titles = deferred.data.reviews.nodes.map((review: { title: string }) => review.title);
    expect(titles.length).toBeGreaterThan(0);
    expect(await page.locator('.review strong').allTextContents()).toEqual(titles);
  });

  test('with the reviews subgraph stopped, a product page still shows the product and its price', async () => {
    await stack.subgraphs.reviews!.stop();
    // A product no test has opened: the browser's HTTP cache may keep a page's GET (it is public for a minute).
    const product = (await bff.post({ query: '{ products(first: 1, categoryId: "c-03") { nodes { sku name price { formatted } } } }' })).body.data.products.nodes[0];
    await page.goto(`${siteUrl}/p/${product.sku}`);
    await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
    expect(await page.getByTestId('price').textContent()).toBe(product.price.formatted);
    await page.getByTestId('reviews-unavailable').waitFor();
    await page.screenshot({ path: `${shots}/product-without-reviews.png`, fullPage: true });
  });
});
