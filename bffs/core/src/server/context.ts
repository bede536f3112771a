import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { firstHeaderValue } from '@subgraphs/kit';
import type { VerifiedUser } from '../auth/authenticator';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Apollo's client-awareness headers, which clients send to say who they are. */
export const CLIENT_NAME_HEADER = 'apollographql-client-name';
export const CLIENT_VERSION_HEADER = 'apollographql-client-version';
/**
 * Headers a BFF passes on to every subgraph fetch of a request: the caller's credentials
 * and identity, and which client (and app version) asked, so subgraph logs and metrics can
 * attribute their work to a client.
 */
export const FORWARDED_HEADERS = ['authorization', CLIENT_NAME_HEADER, CLIENT_VERSION_HEADER] as const;
/** Identity headers for the subgraphs: set from the verified token only, never copied from the caller. */
export const USER_ID_HEADER = 'x-user-id';
export const USER_SCOPES_HEADER = 'x-user-scopes';

export interface BffContext {
  requestId: string;
  /** The verified caller, or null for an anonymous request. */
  user: VerifiedUser | null;
  client: { name: string | null; version: string | null };
  /** Sent on every subgraph fetch of this request. */
  forwardHeaders: Record<string, string>;
}

/** The per-request context, from the request and the caller its token proved to be. */
export function contextFromRequest(req: IncomingMessage, user: VerifiedUser | null): BffContext {
  const incomingId = firstHeaderValue(req.headers[REQUEST_ID_HEADER]);
  // Accept a caller's request id only if it is plausible; never let it carry arbitrary bytes into logs.
  const requestId = incomingId && /^[A-Za-z0-9._:-]{1,128}$/.test(incomingId) ? incomingId : randomUUID();
  const forwardHeaders: Record<string, string> = { [REQUEST_ID_HEADER]: requestId };
  for (const name of FORWARDED_HEADERS) {
    const value = firstHeaderValue(req.headers[name]);
    if (value) forwardHeaders[name] = value;
  }
  if (user) {
    forwardHeaders[USER_ID_HEADER] = user.id;
    forwardHeaders[USER_SCOPES_HEADER] = user.scopes.join(' ');
  }
  return {
    requestId,
    user,
    client: { name: firstHeaderValue(req.headers[CLIENT_NAME_HEADER]) ?? null, version: firstHeaderValue(req.headers[CLIENT_VERSION_HEADER]) ?? null },
    forwardHeaders,
  };
}
