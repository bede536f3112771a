import type { IncomingMessage } from 'node:http';
import { ErrorCode, rejection, type Rejection } from '@bff/platform';
import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

/** Who a verified token says the caller is. */
export interface VerifiedUser {
  id: string;
  scopes: string[];
  /** When the token expires (ms since the epoch), if it says: a subscription ends then. */
  expiresAt?: number;
}

export interface JwtConfig {
  /** HS256 shared secret (local use). */
  secret?: string;
  /** JWKS endpoint of the identity provider (production). */
  jwksUrl?: string;
  /**
   * A token signed by a key the BFF does not know makes it fetch the JWKS again (the
   * provider rotated its keys), but not more often than this, so that tokens with made-up
   * key ids cannot make it hammer the provider. @default 30000
   */
  jwksRefetchCooldownMs?: number;
  issuer: string;
  audience: string;
}

/** Development defaults; production refuses to start without JWT_SECRET or JWKS_URL. */
export const DEVELOPMENT_JWT: JwtConfig = {
  secret: 'dev-jwt-secret-for-local-use-only-0123456789',
  issuer: 'bff-local',
  audience: 'bff-clients',
};

export type Authenticator = (req: IncomingMessage) => Promise<VerifiedUser | null | Rejection>;

const unauthenticated = (message: string): Rejection =>
  rejection(401, ErrorCode.UNAUTHENTICATED, message, { headers: { 'www-authenticate': 'Bearer' } });

function scopesOf(payload: JWTPayload): string[] {
  const scope = payload.scope ?? payload.scp;
  if (typeof scope === 'string') return scope.split(/\s+/).filter(Boolean);
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === 'string');
  return [];
}

/**
 * Verifies the caller's bearer JWT (signature, issuer, audience, expiry). No token: an
 * anonymous caller, whom authorization then judges per field. A token that does not verify
 * is refused outright (401): a client with a broken token should learn it, not silently
 * get anonymous data.
 */
export function createAuthenticator(config: JwtConfig): Authenticator {
  const key = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: config.jwksRefetchCooldownMs ?? 30_000 })
    : new TextEncoder().encode(config.secret);
  return async (req) => {
    const header = req.headers.authorization;
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return unauthenticated('The Authorization header must be "Bearer <token>".');
    try {
      const { payload } = await jwtVerify(match[1]!, key as Parameters<typeof jwtVerify>[1], {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.jwksUrl ? ['RS256', 'ES256', 'PS256', 'EdDSA'] : ['HS256'],
        clockTolerance: 5,
      });
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) return unauthenticated('The token names no subject (sub).');
      return { id: payload.sub, scopes: scopesOf(payload), ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}) };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return unauthenticated('The token has expired.');
      if (error instanceof errors.JWTClaimValidationFailed) return unauthenticated(`The token's ${error.claim} claim is not accepted here.`);
      return unauthenticated('The token is not valid.');
    }
  };
}

/** Mints an HS256 token (for `npm run token`, `npm start` and tests). */
export async function mintToken(config: JwtConfig, user: string, scopes: readonly string[], ttlSeconds = 3600): Promise<string> {
  if (!config.secret) throw new Error('minting needs an HS256 secret (JWT_SECRET)');
  return new SignJWT({ scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(config.secret));
}
