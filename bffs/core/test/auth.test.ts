import { dataset } from '@subgraphs/kit';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { SignJWT } from 'jose';
import { DEVELOPMENT_JWT } from '../src';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

async function token(claims: { sub?: string; iss?: string; aud?: string; exp?: number; secret?: string }): Promise<string> {
  const jwt = new SignJWT({ scope: 'orders:read' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  jwt.setIssuer(claims.iss ?? DEVELOPMENT_JWT.issuer).setAudience(claims.aud ?? DEVELOPMENT_JWT.audience);
  jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600);
  return jwt.sign(new TextEncoder().encode(claims.secret ?? DEVELOPMENT_JWT.secret));
}

describe('authentication at the BFF', () => {
  let stack: TestStack;
  let web: TestBff;
  let mobile: TestBff;
  beforeAll(async () => {
    stack = await startTestStack();
    web = await stack.bff(webBff);
    mobile = await stack.bff(mobileBff);
  });
  afterAll(() => stack?.stop());

  const me = (bff: TestBff, headers: Record<string, string>) => bff.post({ query: '{ me { id } }' }, headers);

  test('a valid token identifies the caller to the subgraphs', async () => {
    const { status, body } = await me(web, await bearer('u-005'));
    expect(status).toBe(200);
    expect(body.data.me.id).toBe('u-005');
  });

  test.each([
    ['expired', () => token({ sub: 'u-005', exp: Math.floor(Date.now() / 1000) - 60 }), 'The token has expired.'],
    ['signed with another key', () => token({ sub: 'u-005', secret: 'someone-elses-secret-0123456789-abcdefgh' }), 'The token is not valid.'],
    ['for another audience', () => token({ sub: 'u-005', aud: 'another-api' }), "The token's aud claim is not accepted here."],
    ['from another issuer', () => token({ sub: 'u-005', iss: 'evil-idp' }), "The token's iss claim is not accepted here."],
    ['without a subject', () => token({}), 'The token names no subject (sub).'],
  ])('a token %s is refused with 401 before anything runs', async (_case, make, message) => {
    const { status, body, headers } = await me(web, { authorization: `Bearer ${await make()}` });
    expect(status).toBe(401);
    expect(body.errors[0]).toMatchObject({ message, extensions: { code: 'UNAUTHENTICATED' } });
    expect(headers.get('www-authenticate')).toBe('Bearer');
  });

  test('a malformed Authorization header is refused', async () => {
    const { status, body } = await me(web, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(status).toBe(401);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  test('no token: an anonymous caller; identity headers sent by the caller are ignored', async () => {
    const spoofed = { 'x-user-id': 'u-001', 'x-user-scopes': 'orders:read orders:write' };
    const { status, body } = await me(web, spoofed);
    expect(status).toBe(401);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const open = await web.post({ query: '{ products(first: 1) { nodes { id } } }' }, spoofed);
    expect(open.body.errors).toBeUndefined();
    const seen = stack.subgraphs.catalog!.receivedHeaders().at(-1)!;
    expect(seen['x-user-id']).toBeUndefined();
    expect(seen['x-user-scopes']).toBeUndefined();
  });

  describe('authorization (@authenticated, @requiresScopes) before execution', () => {
    const ordersQuery = { query: '{ products(first: 1) { nodes { id } } myOrders(first: 1) { nodes { id } } }' };

    test('anonymous: refused with 401, naming the field', async () => {
      for (const bff of [web, mobile]) {
        const { status, body } = await bff.post(ordersQuery);
        expect(status).toBe(401);
        expect(body.errors[0]).toMatchObject({ message: 'Sign in to read myOrders.', extensions: { code: 'UNAUTHENTICATED', fields: ['myOrders'] } });
      }
    });

    test('signed in without the scope: refused with 403; with it: served', async () => {
      const without = await web.post(ordersQuery, await bearer('u-004', []));
      expect(without.status).toBe(403);
      expect(without.body.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', fields: ['myOrders'] } });
      const withScope = await web.post(ordersQuery, await bearer('u-004', ['orders:read']));
      expect(withScope.body.errors).toBeUndefined();
      expect(withScope.body.data.myOrders.nodes.length).toBeGreaterThan(0);
    });

    test('nested fields count too, through fragments and aliases', async () => {
      const query = { query: '{ me { name ...Mine } } fragment Mine on User { history: orders(first: 1) { nodes { id } } }' };
      const without = await web.post(query, await bearer('u-004', []));
      expect(without.status).toBe(403);
      expect(without.body.errors[0].extensions.fields).toEqual(['me.history']);
      const withScope = await web.post(query, await bearer('u-004', ['orders:read']));
      expect(withScope.body.data.me.history.nodes.length).toBeGreaterThan(0);
    });

    test('mutations need their write scope', async () => {
      const mutation = { query: 'mutation { placeOrder(input: { idempotencyKey: "authz-1", lines: [{ productId: "p-0001", quantity: 1 }] }) { number } }' };
      const readOnly = await web.post(mutation, await bearer('u-004', ['orders:read']));
      expect(readOnly.status).toBe(403);
      const writer = await web.post(mutation, await bearer('u-004', ['orders:write']));
      expect(writer.body.data.placeOrder.number).toMatch(/^SO-/);
    });
  });

  test("a user cannot read another user's order through either BFF", async () => {
    const theirs = dataset().orders.find((o) => o.userId === 'u-001')!;
    for (const bff of [web, mobile]) {
      const stranger = await bff.post({ query: `{ order(id: "${theirs.id}") { id number } }` }, await bearer('u-002', ['orders:read']));
      expect(stranger.body).toEqual({ data: { order: null } });
      const owner = await bff.post({ query: `{ order(id: "${theirs.id}") { id number } }` }, await bearer('u-001', ['orders:read']));
      expect(owner.body.data.order).toEqual({ id: theirs.id, number: theirs.number });
    }
  });
});
