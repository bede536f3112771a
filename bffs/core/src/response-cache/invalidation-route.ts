import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { BodyTooLargeError, ErrorCode, readBody } from '@bff/platform';
import type { DataChange } from '@bff/platform';

/** Where operators clear cached replies. */
export const CACHE_INVALIDATION_PATH = '/cache/invalidate';

/** The `subgraph` of an operator's change: it clears what came from every subgraph. */
export const OPERATOR = 'operator';

/**
 * `POST /cache/invalidate` with `Authorization: Bearer <CACHE_ADMIN_TOKEN>` and
 * `{"ids": ["p-0001", …]}`: clears every cached reply and entity showing any of those entities, as a
 * subgraph's announcement would (for a fix made straight in a database, say). Answers
 * `{"invalidated": N}`. Without a configured token the path does not exist.
 */
export function cacheInvalidationRoutes(invalidate: (change: DataChange) => Promise<number>, adminToken: string): Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>> {
  const expected = Buffer.from(`Bearer ${adminToken}`);
  return {
    [CACHE_INVALIDATION_PATH]: async (req, res) => {
      if (req.method !== 'POST') return send(res, 405, error(ErrorCode.BAD_REQUEST, 'Use POST.'), { allow: 'POST' });
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return send(res, 401, error(ErrorCode.UNAUTHENTICATED, 'Clearing the cache needs the operators\' token (Authorization: Bearer <CACHE_ADMIN_TOKEN>).'), { 'www-authenticate': 'Bearer' });
      }
      let ids: unknown;
      try {
        ids = (JSON.parse(await readBody(req, 64 * 1024)) as { ids?: unknown }).ids;
      } catch (problem) {
        return send(res, 400, error(ErrorCode.BAD_REQUEST, problem instanceof BodyTooLargeError ? problem.message : 'Send {"ids": ["<entity id>", …]} as JSON.'));
      }
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1_000 || !ids.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 200)) {
        return send(res, 400, error(ErrorCode.BAD_USER_INPUT, 'ids must be a list of 1 to 1,000 entity ids (strings).'));
      }
      const invalidated = await invalidate({ subgraph: OPERATOR, typename: '', ids: ids as string[] });
      send(res, 200, { invalidated });
    },
  };
}

const error = (code: ErrorCode, message: string) => ({ errors: [{ message, extensions: { code } }] });

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
