import type { IncomingMessage } from 'node:http';
import { CLIENT_NAME_HEADER, CLIENT_VERSION_HEADER, firstHeaderValue, REQUEST_ID_HEADER, USER_ID_HEADER, USER_SCOPES_HEADER, type RequestTelemetry } from '@bff/platform';
import type { VerifiedUser } from '../auth/authenticator';
import type { EntityFetchCache } from '../gateway/plan-node-runner';

export { CLIENT_NAME_HEADER, CLIENT_VERSION_HEADER, REQUEST_ID_HEADER };
/**
 * Headers a BFF passes on to every subgraph fetch of a request: the caller's credentials
 * and identity, and which client (and app version) asked, so subgraph logs and metrics can
 * attribute their work to a client.
 */
export const FORWARDED_HEADERS = ['authorization', CLIENT_NAME_HEADER, CLIENT_VERSION_HEADER] as const;

export interface BffContext {
  requestId: string;
  /** The verified caller, or null for an anonymous request. */
  user: VerifiedUser | null;
  client: { name: string | null; version: string | null };
  /** Sent on every subgraph fetch of this request (the trace's headers are added per fetch). */
  forwardHeaders: Record<string, string>;
  /** The request's id, span, log line and counts. */
  telemetry: RequestTelemetry;
  /** The entity cache bound to this caller and the supergraph served (the policy's responseCache.entities); none: off. */
  entityCache?: EntityFetchCache;
}

/**
 * The per-request context, from the request and the caller its token proved to be. A caller
 * that does not name its client is reported to the subgraphs as the BFF's own client
 * (`web`, `mobile`), so their metrics still say whose work it was.
 */
export function contextFromRequest(req: IncomingMessage, user: VerifiedUser | null, telemetry: RequestTelemetry, defaultClientName: string): BffContext {
  const forwardHeaders: Record<string, string> = { [REQUEST_ID_HEADER]: telemetry.id, [CLIENT_NAME_HEADER]: defaultClientName };
  for (const name of FORWARDED_HEADERS) {
    const value = firstHeaderValue(req.headers[name]);
    if (value) forwardHeaders[name] = value;
  }
  // Identity for the subgraphs: from the verified token only, never copied from the caller.
  if (user) {
    forwardHeaders[USER_ID_HEADER] = user.id;
    forwardHeaders[USER_SCOPES_HEADER] = user.scopes.join(' ');
  }
  return {
    requestId: telemetry.id,
    user,
    client: { name: firstHeaderValue(req.headers[CLIENT_NAME_HEADER]) ?? null, version: firstHeaderValue(req.headers[CLIENT_VERSION_HEADER]) ?? null },
    forwardHeaders,
    telemetry,
  };
}
