/**
 * Why a subgraph fetch failed, as far as fault handling cares:
 * - `connection`: no answer because the connection could not be made or broke (refused,
 *   reset, closed). The one kind worth retrying: a kept-alive socket the subgraph closed
 *   a moment ago fails like this, and a new connection usually succeeds.
 * - `timeout`: the subgraph took longer than its deadline. Never retried: a slow subgraph
 *   is only slowed further by a second copy of the same work.
 * - `server-error`: the subgraph answered with an HTTP 5xx.
 * Anything else (a 4xx, a body that is not GraphQL) is not the subgraph being unhealthy.
 */
export type FetchFailureKind = 'connection' | 'timeout' | 'server-error';

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function classifyFetchFailure(error: unknown): FetchFailureKind | undefined {
  // Duck-typed, not `instanceof Error`: fetch's errors come from Node's own realm, which
  // is not the realm of the code that catches them under a test runner's VM context.
  const status = (error as { extensions?: { response?: { status?: unknown } } } | undefined)?.extensions?.response?.status;
  if (typeof status === 'number') return status >= 500 ? 'server-error' : undefined;
  // Node's fetch reports network errors as "fetch failed" with the socket error as the cause.
  for (let cause = error as ErrorLike | undefined, depth = 0; cause && typeof cause === 'object' && depth < 5; cause = cause.cause, depth++) {
    if (cause.name === 'TimeoutError') return 'timeout';
    if (cause.code && CONNECTION_ERROR_CODES.has(cause.code)) return 'connection';
  }
  return undefined;
}

interface ErrorLike {
  name?: string;
  code?: string;
  cause?: ErrorLike;
}
