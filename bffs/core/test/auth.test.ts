import { dataset } from '@subgraphs/kit';
import { mobileBff } from '@bff/mobile/src/bff';
import { webBff } from '@bff/web/src/bff';
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
    const { body } = await me(web, { 'x-user-id': 'u-001', 'x-user-scopes': 'orders:read orders:write' });
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const seen = stack.subgraphs.accounts!.receivedHeaders().at(-1)!;
    expect(seen['x-user-id']).toBeUndefined();
    expect(seen['x-user-scopes']).toBeUndefined();
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
