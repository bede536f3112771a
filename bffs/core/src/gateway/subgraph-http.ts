import { Agent, request } from 'undici';
import { GraphQLError } from 'graphql';

/**
 * The HTTP client of every subgraph fetch. undici's `request` over one keep-alive agent:
 * no WHATWG Request/Response/stream objects per fetch (Node's `fetch` builds all of them,
 * and on a plan of 16 fetches they were a quarter of the BFF's CPU time). Idle sockets are
 * kept longer than a subgraph would hold them open by itself, and shorter than the kit's
 * server keep-alive (65 s), so the BFF never writes to a socket the subgraph just closed.
 */
const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connections: 128 });

export interface SubgraphReply {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as sent; parse it with `replyBody` (each reader its own copy: the plan mutates what it merges). */
  text: string;
}

/** POSTs a GraphQL request; resolves with the reply, throws on network errors or the deadline. */
export async function postGraphQL(url: string, headers: Record<string, string>, payload: string, timeoutMs: number): Promise<SubgraphReply> {
  const response = await request(url, {
    method: 'POST',
    headers,
    body: payload,
    dispatcher: agent,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

/** The reply's body: parsed JSON when the subgraph says it is JSON, else the text. */
export function replyBody(reply: SubgraphReply): unknown {
  const type = String(reply.headers['content-type'] ?? '');
  const json = type.startsWith('application/json') || type.startsWith('application/graphql-response+json');
  return json ? JSON.parse(reply.text) : reply.text;
}

/** A non-2xx reply as the gateway reports one (status and body kept in extensions, for logs only). */
export function errorFromReply(reply: SubgraphReply): GraphQLError {
  const code = reply.status === 401 ? 'UNAUTHENTICATED' : reply.status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${reply.status}: subgraph answered HTTP ${reply.status}`, {
    extensions: { ...(code ? { code } : {}), response: { status: reply.status, body: reply.text.slice(0, 2_000) } },
  });
}

/** The cache hint a subgraph's `Cache-Control` header gives (as @apollo/gateway reads it). */
export function cacheHintFromHeader(value: string | string[] | undefined): { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } {
  const header = Array.isArray(value) ? value.join(',') : (value ?? '');
  const maxAge = /(?:^|,)\s*max-age=(\d+)\s*(?:,|$)/i.exec(header);
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: maxAge ? Number(maxAge[1]) : 0 };
  if (/(?:^|,)\s*private\s*(?:,|$)/i.test(header)) hint.scope = 'PRIVATE';
  if (/(?:^|,)\s*public\s*(?:,|$)/i.test(header)) hint.scope = 'PUBLIC';
  return hint;
}
