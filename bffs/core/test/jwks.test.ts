import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { createAuthenticator, type Authenticator } from '../src/auth/authenticator';

/**
 * The production path of sign-in: tokens from an identity provider, verified against its
 * JWKS (here a real HTTP server on 127.0.0.1 that the test controls), RS256 and ES256 keys,
 * a key rotation the BFF follows, and keys it was never given refused.
 */
interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyLike;
  jwk: JWK;
}

async function signingKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'bff-clients';

const token = (key: SigningKey, subject: string, scopes: string[] = [], claims: { issuer?: string } = {}) =>
  new SignJWT({ scope: scopes.join(' ') })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setSubject(subject)
    .setIssuer(claims.issuer ?? ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);

const request = (bearer: string) => ({ headers: { authorization: `Bearer ${bearer}` } }) as unknown as IncomingMessage;

describe('tokens from an identity provider (JWKS_URL)', () => {
  let published: SigningKey[] = [];
  let fetches = 0;
  let server: Server;
  let authenticate: Authenticator;
  let rsa: SigningKey;
  let ec: SigningKey;

  beforeAll(async () => {
    rsa = await signingKey('rsa-1', 'RS256');
    ec = await signingKey('ec-1', 'ES256');
    published = [rsa, ec];
    server = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // No cooldown: the test rotates keys at once, where a provider would announce them ahead.
    authenticate = createAuthenticator({ jwksUrl: `http://127.0.0.1:${port}/jwks.json`, issuer: ISSUER, audience: AUDIENCE, jwksRefetchCooldownMs: 0 });
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  test('RS256 and ES256 tokens verify, with their subject and scopes', async () => {
    expect(await authenticate(request(await token(rsa, 'u-001', ['orders:read'])))).toEqual({ id: 'u-001', scopes: ['orders:read'], expiresAt: expect.any(Number) });
    expect(await authenticate(request(await token(ec, 'u-002')))).toEqual({ id: 'u-002', scopes: [], expiresAt: expect.any(Number) });
  });

  test('a rotation is followed: a new key verifies, a withdrawn one no longer does', async () => {
    const next = await signingKey('rsa-2', 'RS256');
    published = [next, ec];
    const before = fetches;
    expect(await authenticate(request(await token(next, 'u-003')))).toEqual({ id: 'u-003', scopes: [], expiresAt: expect.any(Number) });
    expect(fetches).toBeGreaterThan(before);
    expect(await authenticate(request(await token(rsa, 'u-001')))).toMatchObject({ rejected: true, status: 401, code: 'UNAUTHENTICATED' });
  });

  test('a key it was never given is refused, even with a known key id', async () => {
    const stranger = await signingKey('never-published', 'RS256');
    expect(await authenticate(request(await token(stranger, 'u-001')))).toMatchObject({ rejected: true, status: 401, code: 'UNAUTHENTICATED' });
    const impostor = await signingKey(ec.kid, 'ES256');
    expect(await authenticate(request(await token(impostor, 'u-001')))).toMatchObject({ rejected: true, status: 401, message: 'The token is not valid.' });
  });

  test('an HS256 token is refused where the provider signs with its keys', async () => {
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u-001').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode('a-shared-secret-someone-guessed-0123'));
    expect(await authenticate(request(hs))).toMatchObject({ rejected: true, status: 401 });
  });

  test("another issuer's token is refused, naming the claim", async () => {
    expect(await authenticate(request(await token(ec, 'u-001', [], { issuer: 'https://elsewhere.test/' })))).toMatchObject({
      rejected: true,
      status: 401,
      message: "The token's iss claim is not accepted here.",
    });
  });
});
