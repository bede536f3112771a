import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who is asking. The BFFs verify the caller's token and forward the result in these
 * headers; subgraphs read nothing else about the user. (Issue 5 adds the gateway
 * credential that makes these headers trustworthy.)
 */
export const USER_ID_HEADER = 'x-user-id';
/** Space-separated OAuth-style scopes, e.g. `orders:read orders:write`. */
export const USER_SCOPES_HEADER = 'x-user-scopes';

export interface RequestUser {
  id: string;
  scopes: ReadonlySet<string>;
}

export function userFromHeaders(headers: IncomingHttpHeaders): RequestUser | null {
  const id = firstHeaderValue(headers[USER_ID_HEADER])?.trim();
  if (!id) return null;
  const scopes = (firstHeaderValue(headers[USER_SCOPES_HEADER]) ?? '').split(/[\s,]+/).filter(Boolean);
  return { id, scopes: new Set(scopes) };
}

/** Node gives repeated headers as arrays; identity and ids take the first. */
export function firstHeaderValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
