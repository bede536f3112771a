import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConfigError, readOptionalString } from '../config/env';
import { ErrorCode } from '../errors';
import { rejection, type Rejection } from '../http/graphql-http-server';

/**
 * Subgraphs answer their gateways only: every GraphQL request must carry this header with
 * the shared secret (`GATEWAY_SECRET`), so nobody can reach a subgraph directly and skip a
 * BFF's authentication and limits. Health endpoints stay open for probes.
 */
export const GATEWAY_CREDENTIAL_HEADER = 'x-gateway-credential';

/** Used when `GATEWAY_SECRET` is not set, in development only; production refuses to start without one. */
export const DEVELOPMENT_GATEWAY_SECRET = 'dev-gateway-secret-not-for-production';

export function gatewayCredentialCheck(secret: string): (req: IncomingMessage) => Rejection | undefined {
  const expected = Buffer.from(secret);
  return (req) => {
    const given = req.headers[GATEWAY_CREDENTIAL_HEADER];
    const value = Buffer.from(Array.isArray(given) ? (given[0] ?? '') : (given ?? ''));
    if (value.length === expected.length && timingSafeEqual(value, expected)) return undefined;
    return rejection(401, ErrorCode.GATEWAY_CREDENTIAL_INVALID, 'This subgraph answers its gateways only; the request carries no valid gateway credential.');
  };
}

/** The shared gateway secret: required in production, a well-known development value otherwise. */
export function readGatewaySecret(env: Record<string, string | undefined>): string {
  const secret = readOptionalString(env, 'GATEWAY_SECRET');
  if (secret === undefined) {
    if (env.NODE_ENV === 'production') throw new ConfigError('GATEWAY_SECRET must be set in production: subgraphs only answer requests that carry it');
    return DEVELOPMENT_GATEWAY_SECRET;
  }
  if (secret.length < 16) throw new ConfigError('GATEWAY_SECRET must be at least 16 characters');
  return secret;
}
