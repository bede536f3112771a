import { Agent, type Dispatcher } from 'undici';
import { GraphQLError } from 'graphql';

/**
 * The HTTP client of every subgraph fetch: undici's dispatcher with a handler of our own,
 * over one keep-alive agent. undici's `request` builds a Readable body stream, a request
 * handler and its abort wiring for every call, and `AbortSignal.timeout` a signal whose
 * timer stays armed (and later builds a DOMException) long after the reply came; on a
 * one-fetch query those were most of the BFF's own CPU time. Here a fetch is the dispatch,
 * one timer that is cleared on the reply, and the body's chunks joined once.
 *
 * Idle sockets are kept longer than a subgraph would hold them open by itself, and shorter
 * than the kit's server keep-alive (65 s), so the BFF never writes to a socket the subgraph
 * just closed.
 */
const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connections: 128 });

export interface SubgraphReply {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as sent; parse it with `replyBody` (each reader its own copy: the plan mutates what it merges). */
  text: string;
}

/** A fetch past its deadline; classifyFetchFailure knows it by its name, as it knows fetch's. */
export class SubgraphTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** POSTs a GraphQL request; resolves with the reply, rejects on network errors or the deadline. */
export function postGraphQL(url: string, headers: Record<string, string>, payload: string, timeoutMs: number): Promise<SubgraphReply> {
  const { origin, path } = targetOf(url);
  return new Promise((resolve, reject) => {
    agent.dispatch({ origin, path, method: 'POST', headers, body: payload }, new ReplyCollector(resolve, reject, timeoutMs));
  });
}

const targets = new Map<string, { origin: string; path: string }>();
function targetOf(url: string): { origin: string; path: string } {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    targets.set(url, target);
  }
  return target;
}

/** Collects one reply for undici's dispatcher, and holds the fetch to its deadline. */
class ReplyCollector implements Dispatcher.DispatchHandlers {
  private status = 0;
  private headers: SubgraphReply['headers'] = {};
  private readonly chunks: Buffer[] = [];
  private abort: ((error: Error) => void) | undefined;
  private settled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (reply: SubgraphReply) => void,
    private readonly reject: (error: Error) => void,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.fail(new SubgraphTimeoutError(`the subgraph did not answer within ${timeoutMs} ms`)), timeoutMs);
  }

  onConnect(abort: (error: Error) => void): void {
    // A deadline that passed while the request waited for a socket: it is not sent at all.
    if (this.settled) abort(new SubgraphTimeoutError('the deadline passed before the request was sent'));
    else this.abort = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[] | string[] | null): boolean {
    this.status = status;
    const headers: SubgraphReply['headers'] = {};
    if (rawHeaders) {
      for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
        const name = rawHeaders[index]!.toString('latin1').toLowerCase();
        const value = rawHeaders[index + 1]!.toString('latin1');
        const existing = headers[name];
        headers[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      }
    }
    this.headers = headers;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    // A UTF-8 byte order mark is not part of the JSON (fetch's text() drops it too).
    const start = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
    this.resolve({ status: this.status, headers: this.headers, text: body.toString('utf8', start) });
  }

  onError(error: Error): void {
    this.fail(error);
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.reject(error);
    this.abort?.(error);
  }
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

/**
 * Where a data source leaves the cache hint of the reply it returns, for the entity cache:
 * the hint from its Cache-Control, or null when the reply had no Cache-Control at all.
 */
export const REPLY_CACHE_HINT = Symbol('subgraph reply cache hint');

/** The cache hint a subgraph's `Cache-Control` header gives (as @apollo/gateway reads it). */
export function cacheHintFromHeader(value: string | string[] | undefined): { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } {
  const header = Array.isArray(value) ? value.join(',') : (value ?? '');
  const maxAge = /(?:^|,)\s*max-age=(\d+)\s*(?:,|$)/i.exec(header);
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: maxAge ? Number(maxAge[1]) : 0 };
  if (/(?:^|,)\s*private\s*(?:,|$)/i.test(header)) hint.scope = 'PRIVATE';
  if (/(?:^|,)\s*public\s*(?:,|$)/i.test(header)) hint.scope = 'PUBLIC';
  return hint;
}
