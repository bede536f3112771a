import type { ServerResponse } from 'node:http';
import { ErrorCode } from '../errors';

/** Answers a request that never reached GraphQL with a GraphQL-shaped error body. */
export function sendJsonError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code, ...details } }] });
  // A refusal is about this request only: no CDN or browser may keep it (a GET by hash may be cacheable otherwise).
  res.writeHead(status, {
    'cache-control': 'no-store',
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
