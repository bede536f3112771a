import { startTestStack, type TestBff, type TestStack } from '@bff/core/testing';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { decodeJwt } from 'jose';

/** The development sign-in that the storefront and the app use locally, and its absence in production. */
describe('development sign-in', () => {
  let stack: TestStack;
  let dev: TestBff;
  let production: TestBff;
  let mobile: TestBff;
  beforeAll(async () => {
    stack = await startTestStack();
    dev = await stack.bff(webBff, 'development');
    production = await stack.bff(webBff, 'production');
    mobile = await stack.bff(mobileBff, 'development');
  });
  afterAll(() => stack?.stop());

  const origin = (bff: TestBff) => bff.url.replace(/\/graphql$/, '');
  const signIn = (bff: TestBff, body: unknown, contentType = 'application/json') =>
    fetch(`${origin(bff)}/auth/dev/sign-in`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });

  test('lists the seeded users with their names, read through the BFF', async () => {
    const response = await fetch(`${origin(dev)}/auth/dev/users`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { users } = (await response.json()) as { users: { id: string; name: string }[] };
    expect(users.map((u) => u.id)).toEqual(['u-001', 'u-002', 'u-003', 'u-004', 'u-005', 'u-006']);
    expect(users.every((u) => u.name.length > 0)).toBe(true);
  });

  test("the mobile BFF lists them too, within its stricter root-field limit", async () => {
    const response = await fetch(`${origin(mobile)}/auth/dev/users`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { users: unknown[] }).users).toHaveLength(6);
    expect((await signIn(mobile, { userId: 'u-006' })).status).toBe(200);
  });

  test('a picked user gets a short-lived token that the BFF accepts for their orders', async () => {
    const response = await signIn(dev, { userId: 'u-002' });
    expect(response.status).toBe(200);
    const { token, expiresAt, user } = (await response.json()) as { token: string; expiresAt: string; user: { id: string; name: string } };
    expect(user.id).toBe('u-002');
    const claims = decodeJwt(token);
    expect(claims.sub).toBe('u-002');
    expect(claims.exp! - claims.iat!).toBe(15 * 60);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const { body } = await dev.post({ query: '{ me { id } myOrders(first: 1) { nodes { number } } }' }, { authorization: `Bearer ${token}` });
    expect(body.errors).toBeUndefined();
    expect(body.data.me.id).toBe('u-002');
  });

  test('refuses users outside the list, bodies that are not JSON, and other methods, with stable codes', async () => {
    const outside = await signIn(dev, { userId: 'u-049' });
    expect(outside.status).toBe(400);
    expect(((await outside.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const form = await signIn(dev, { userId: 'u-001' }, 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    const broken = await fetch(`${origin(dev)}/auth/dev/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
    const get = await fetch(`${origin(dev)}/auth/dev/sign-in`);
    expect(get.status).toBe(405);
  });

  test('does not exist in production', async () => {
    for (const path of ['/auth/dev/users', '/auth/dev/sign-in']) {
      const response = await fetch(`${origin(production)}${path}`, { method: path.endsWith('sign-in') ? 'POST' : 'GET', headers: { 'content-type': 'application/json' }, body: path.endsWith('sign-in') ? '{"userId":"u-001"}' : undefined });
      expect(response.status).toBe(404);
      expect(JSON.stringify(await response.json())).not.toContain('token');
    }
  });
});
