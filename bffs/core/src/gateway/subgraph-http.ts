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
  /** The parsed JSON body. */
  body: unknown;
}

/** POSTs a GraphQL request; resolves with the parsed reply, throws on network errors or the deadline. */
export async function postGraphQL(url: string, headers: Record<string, string>, payload: string, timeoutMs: number): Promise<SubgraphReply> {
  const response = await request(url, {
    method: 'POST',
    headers,
    body: payload,
    dispatcher: agent,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.body.text();
  const type = String(response.headers['content-type'] ?? '');
  let body: unknown = text;
  if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) body = JSON.parse(text);
  return { status: response.statusCode, headers: response.headers, body };
}

/** A non-2xx reply as the gateway reports one (status and body kept in extensions, for logs only). */
export function errorFromReply(reply: SubgraphReply): GraphQLError {
  const code = reply.status === 401 ? 'UNAUTHENTICATED' : reply.status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${reply.status}: subgraph answered HTTP ${reply.status}`, {
    extensions: { ...(code ? { code } : {}), response: { status: reply.status, body: reply.body } },
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
