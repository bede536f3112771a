import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '@bff/platform';

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
/** Extensions a client may see; anything else (a subgraph's URL and response body, stack traces) stays inside. */
const PUBLIC_EXTENSIONS = ['code', 'field', 'limit', 'measured', 'batchIndex', 'argumentName', 'retryAfterSeconds'];

/**
 * The BFF boundary. Errors raised on purpose, by a subgraph or by the BFF, carry a code from
 * the one `ErrorCode` enum and pass through with their public extensions only. Anything else
 * (a subgraph that cannot be reached, a 400 from a subgraph that does not yet serve a field,
 * a bug) becomes "Internal server error." and is logged in full with the request id.
 */
export function isDeliberate(code: unknown): boolean {
  return typeof code === 'string' && KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR;
}

export function maskError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = Object.fromEntries(Object.entries(formatted.extensions ?? {}).filter(([key]) => PUBLIC_EXTENSIONS.includes(key)));
  if (isDeliberate(formatted.extensions?.code)) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  return { message: 'Internal server error.', locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
