import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, ErrorCode, readBody } from '@bff/platform';
import { mintToken, type JwtConfig } from './authenticator';

/** The paths of the development sign-in; none of them exists in production. */
export const DEV_SIGN_IN_USERS_PATH = '/auth/dev/users';
export const DEV_SIGN_IN_PATH = '/auth/dev/sign-in';

/**
 * The seeded users a visitor may sign in as (the first of the development dataset). A
 * list, not "any id": the route hands out tokens, so even in development it names who.
 */
export const DEV_SIGN_IN_USER_IDS: readonly string[] = ['u-001', 'u-002', 'u-003', 'u-004', 'u-005', 'u-006'];

/** Long enough to shop, short enough that a token copied out of a page soon stops working. */
export const DEV_TOKEN_TTL_SECONDS = 15 * 60;
const DEV_TOKEN_SCOPES = ['orders:read', 'orders:write'];

export interface DevSignInOptions {
  /** The HS256 settings the BFF verifies tokens with. */
  jwt: JwtConfig;
  /** This BFF's own GraphQL URL: users' names are read through it, like any client would. */
  graphqlUrl: () => string;
  /** The client's root-field limit: one request asks for at most this many users. */
  maxRootFields: number;
  userIds?: readonly string[];
}

interface SeededUser {
  id: string;
  name: string;
}

/**
 * Local sign-in for the storefront and the app: pick one of the seeded users, get a
 * short-lived token. Only built in development with an HS256 secret (create-bff-server.ts);
 * production verifies tokens from the identity provider and answers these paths 404.
 */
export function devSignInRoutes(options: DevSignInOptions): Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>> {
  const userIds = options.userIds ?? DEV_SIGN_IN_USER_IDS;
  /** The users of these ids that exist, read through the BFF's own /graphql (and so under its limits). */
  const readUsers = async (ids: readonly string[]): Promise<SeededUser[]> => {
    const variables = Object.fromEntries(ids.map((id, i) => [`u${i}`, id]));
    const query = `query DevSignInUsers(${ids.map((_, i) => `$u${i}: ID!`).join(', ')}) { ${ids.map((_, i) => `u${i}: user(id: $u${i}) { id name }`).join(' ')} }`;
    const response = await fetch(options.graphqlUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { data?: Record<string, SeededUser | null>; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
    return Object.values(body.data).filter((user): user is SeededUser => user !== null);
  };
  const listUsers = async (): Promise<SeededUser[]> => {
    const batches: string[][] = [];
    for (let i = 0; i < userIds.length; i += options.maxRootFields) batches.push(userIds.slice(i, i + options.maxRootFields));
    return (await Promise.all(batches.map(readUsers))).flat();
  };

  return {
    [DEV_SIGN_IN_USERS_PATH]: async (req, res) => {
      if (req.method !== 'GET') return sendJson(res, 405, error(ErrorCode.BAD_REQUEST, 'Use GET.'), { allow: 'GET' });
      try {
        sendJson(res, 200, { users: await listUsers() });
      } catch {
        sendJson(res, 503, error(ErrorCode.SERVICE_UNAVAILABLE, 'The seeded users cannot be read right now (is the accounts subgraph up?).'));
      }
    },
    [DEV_SIGN_IN_PATH]: async (req, res) => {
      if (req.method !== 'POST') return sendJson(res, 405, error(ErrorCode.BAD_REQUEST, 'Use POST.'), { allow: 'POST' });
      // A form on another site cannot send JSON without a preflight, so JSON only.
      if (!(req.headers['content-type'] ?? '').includes('application/json')) {
        return sendJson(res, 415, error(ErrorCode.BAD_REQUEST, 'Send {"userId": "..."} as application/json.'));
      }
      let userId: unknown;
      try {
        userId = (JSON.parse(await readBody(req, 1024)) as { userId?: unknown }).userId;
      } catch (caught) {
        const message = caught instanceof BodyTooLargeError ? 'The body is too large.' : 'The body is not valid JSON.';
        return sendJson(res, 400, error(ErrorCode.BAD_REQUEST, message));
      }
      if (typeof userId !== 'string' || !userIds.includes(userId)) {
        return sendJson(res, 400, error(ErrorCode.BAD_USER_INPUT, `userId must be one of ${userIds.join(', ')}.`));
      }
      let user: SeededUser | undefined;
      try {
        user = (await readUsers([userId]))[0];
      } catch {
        return sendJson(res, 503, error(ErrorCode.SERVICE_UNAVAILABLE, 'The seeded users cannot be read right now (is the accounts subgraph up?).'));
      }
      if (!user) return sendJson(res, 404, error(ErrorCode.NOT_FOUND, `There is no user ${userId} in this dataset.`));
      const token = await mintToken(options.jwt, user.id, DEV_TOKEN_SCOPES, DEV_TOKEN_TTL_SECONDS);
      const expiresAt = new Date(Date.now() + DEV_TOKEN_TTL_SECONDS * 1000).toISOString();
      sendJson(res, 200, { token, expiresAt, user });
    },
  };
}

const error = (code: ErrorCode, message: string) => ({ errors: [{ message, extensions: { code } }] });

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  // A token is for this page alone: never kept by a cache.
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
