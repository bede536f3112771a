import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
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
