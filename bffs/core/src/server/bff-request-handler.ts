import type { IncomingMessage } from 'node:http';
import { HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { GraphQLRequestHandler, Rejection, RequestTelemetry } from '@bff/platform';
import type { ClientPolicy } from '@bff/formats';
import type { Authenticator, VerifiedUser } from '../auth/authenticator';
import type { BffMode } from '../bff-mode';
import type { UsageRecorder } from '../usage/usage-recorder';
import { ErrorCode, rejection } from '@bff/platform';
import { APPLICATION_JSON, CSRF_PREFLIGHT_HEADERS, EVENT_STREAM, MULTIPART_DEFER, httpPreconditions } from '../gate/http-preconditions';
import type { AdmittedOperation, FailedOperation, GateOutcome } from '../gate/operation-gate';
import type { RateLimiter } from '../rate-limits/rate-limiter';
import type { EntityCache } from '../response-cache/entity-cache';
import type { ResponseCache } from '../response-cache/response-cache';
import { eventStream } from '../subscriptions/event-stream';
import { startSubscription, type SubscriptionReplica } from '../subscriptions/start-subscription';
import { CLIENT_NAME_HEADER, contextFromRequest } from './context';
import { landingPage, prefersHtml } from './landing-page';
import { runOperation, type IncrementalDelivery, type OperationExecutor } from './run-operation';
import type { SupergraphState } from './supergraph-state';

export interface Serving {
  state: SupergraphState;
  execute: OperationExecutor;
}

export interface BffRequestHandlerOptions {
  policy: ClientPolicy;
  mode: BffMode;
  /**
   * What is served now: the gate of one supergraph and the executor of the same one. Read
   * once per request, so a swap never splits a request between two supergraphs.
   */
  serving: () => Serving;
  authenticate: Authenticator;
  /** Counts the operations that ran, for the registry (registry mode with usage reporting on). */
  usage?: UsageRecorder;
  /** The subscriptions open on this replica, within the policy's limits. */
  subscriptions: SubscriptionReplica;
  /** Charges each request's cost to its caller's and app's budgets (the policy's rateLimits); none: no rate limits. */
  rateLimiter?: RateLimiter;
  /** Query replies kept and served again (the policy's responseCache); none: every query runs. */
  responseCache?: ResponseCache;
  /** Entities and root-field fetches kept for the plans of queries (the policy's responseCache.entities); none: plans fetch all. */
  entityCache?: EntityCache;
}

// Clients (not browsers) identify themselves with the client-name header, which also proves
// the request is not a cross-site form post.
const PREFLIGHT_HEADERS = [...CSRF_PREFLIGHT_HEADERS, CLIENT_NAME_HEADER];

/**
 * A BFF's GraphQL over HTTP, one way through: the caller is authenticated, the request
 * checked (method, CSRF, content types), the gate admits each operation (limits, persisted
 * queries, the operation to run, authorization; parsed and validated once per text), and
 * what it admitted runs on the query plan with the caller's context. Nothing is parsed,
 * serialised or looked up twice on the way.
 */
export function createBffRequestHandler(options: BffRequestHandlerOptions): GraphQLRequestHandler {
  return async (request, req, telemetry) => {
    // Authenticate first: a bad token is refused before anything else.
    const caller = await options.authenticate(req);
    if (caller && 'rejected' in caller) return caller;
    if (options.mode === 'development' && request.method === 'GET' && prefersHtml(request.headers.get('accept'))) return landingPage(options.policy.name);
    const preconditions = httpPreconditions(request, PREFLIGHT_HEADERS);
    if ('rejected' in preconditions) return preconditions;
    const { state, execute } = options.serving();
    const admitted = await state.gate(request, caller);
    if ('rejected' in admitted) return admitted;

    // The request's cost is charged to its caller's and its app's budgets before anything runs.
    let budget: Record<string, string> | undefined;
    if (options.rateLimiter) {
      const cost = admitted.operations.reduce((sum, operation) => sum + ('failed' in operation ? 0 : operation.cost), 0);
      const charged = await options.rateLimiter.charge(caller, req, cost);
      if ('rejected' in charged) return charged;
      budget = charged.headers;
    }
    const reply = await answer({ options, request, req, telemetry, caller, preconditions, state, execute, admitted });
    return budget ? withHeaders(reply, budget) : reply;
  };
}

interface Admitted {
  options: BffRequestHandlerOptions;
  request: HTTPGraphQLRequest;
  req: IncomingMessage;
  telemetry: RequestTelemetry;
  caller: VerifiedUser | null;
  preconditions: { contentType: string; incremental: boolean; eventStream: boolean };
  state: Serving['state'];
  execute: Serving['execute'];
  admitted: Extract<GateOutcome, { batch: boolean }>;
}

/** What the gate admitted, run and answered: as parts (@defer), a stream (SSE), a batch, or one reply. */
async function answer({ options, request, req, telemetry, caller, preconditions, state, execute, admitted }: Admitted): Promise<HTTPGraphQLResponse | Rejection> {
  const context = contextFromRequest(req, caller, telemetry, options.policy.name);
  if (options.entityCache) context.entityCache = options.entityCache.forRequest(caller, state.supergraphSdl);
  if (preconditions.eventStream || admitted.operations.some(isSubscription)) {
    // GraphQL over SSE (graphql-sse's distinct connections mode): one operation per stream.
    const [operation] = admitted.operations;
    if (admitted.batch || !preconditions.eventStream || !operation) {
      return rejection(400, ErrorCode.STREAMING_TRANSPORT_REQUIRED, 'Subscriptions are served one per request over GraphQL over SSE (Accept: text/event-stream), or over GraphQL over WebSocket (graphql-transport-ws) at this URL.');
    }
    if (!isSubscription(operation)) {
      const answer = await runOperation(operation, { execute, context, request, usage: options.usage, apiSchema: state.apiSchema });
      return answer.status >= 400 ? wholeReply(answer) : eventStreamReply(eventStream(once(answer.body.trimEnd())));
    }
    const started = await startSubscription(options.subscriptions, { operation, caller, connection: req.socket, address: req.socket.remoteAddress, execute, context, request, apiSchema: state.apiSchema });
    if ('rejected' in started) return started;
    // Nothing to stream (a variable that does not coerce): answered like any request.
    if (!('stop' in started)) return wholeReply(started);
    // The client going away ends the subscription at its subgraph.
    const stop = () => started.stop();
    req.socket.once('close', stop);
    return eventStreamReply(eventStream(started.events), () => req.socket.off('close', stop));
  }
  // One query may be answered from the response cache (the policy's responseCache).
  const [only] = admitted.operations;
  const cacheable = options.responseCache && !admitted.batch && only && !('failed' in only) && only.definition.operation === 'query' ? only : undefined;
  if (cacheable) {
    const kept = await options.responseCache!.lookup(cacheable, caller, state.supergraphSdl);
    if (kept) {
      telemetry.operationEnded({ name: cacheable.definition.name?.value ?? cacheable.request.operationName, outcome: 'success' });
      // A cached answer is still traffic the registry's checks must see.
      options.usage?.record(
        { queryHash: cacheable.queryHash, name: cacheable.definition.name?.value ?? null, document: cacheable.document, schema: state.apiSchema },
        context.client.name,
        context.client.version,
        false,
      );
      const headers = new HeaderMap([['content-type', preconditions.contentType], ['cache-control', request.method === 'GET' ? kept.cacheControl : 'no-store']]);
      if (options.mode === 'development') headers.set('x-cache', 'HIT');
      return { status: 200, headers, body: { kind: 'complete', string: kept.body } } satisfies HTTPGraphQLResponse;
    }
  }
  // @defer is answered in parts to a single operation whose caller reads multipart/mixed; a batch gets whole replies.
  const incremental: IncrementalDelivery | undefined = preconditions.incremental && !admitted.batch ? { stopped: () => req.socket?.destroyed === true } : undefined;
  const answers = await Promise.all(
    admitted.operations.map((operation) => runOperation(operation, { execute, context, request, usage: options.usage, apiSchema: state.apiSchema, incremental })),
  );
  const headers = new HeaderMap([['content-type', preconditions.contentType]]);
  if (!admitted.batch) {
    const [answer] = answers;
    if (answer!.parts) {
      headers.set('content-type', MULTIPART_DEFER);
      headers.set('cache-control', answer!.cacheControl);
      return { status: answer!.status, headers, body: { kind: 'chunked', asyncIterator: multipart(answer!.body, answer!.parts) } } satisfies HTTPGraphQLResponse;
    }
    headers.set('cache-control', answer!.cacheControl);
    if (cacheable) {
      await options.responseCache!.store(cacheable, caller, state.supergraphSdl, answer!);
      if (options.mode === 'development') headers.set('x-cache', 'MISS');
    }
    if (answer!.retryAfterSeconds !== undefined) headers.set('retry-after', String(answer!.retryAfterSeconds));
    return { status: answer!.status, headers, body: { kind: 'complete', string: answer!.body } } satisfies HTTPGraphQLResponse;
  }
  // A batch is a POST: never reusable. Its status is the worst of its operations'.
  headers.set('cache-control', 'no-store');
  const status = Math.max(...answers.map((a) => a.status));
  const retryAfter = Math.max(0, ...answers.map((a) => a.retryAfterSeconds ?? 0));
  if (retryAfter > 0) headers.set('retry-after', String(retryAfter));
  return { status, headers, body: { kind: 'complete', string: `[${answers.map((a) => a.body).join(',')}]` } } satisfies HTTPGraphQLResponse;
}

/** A reply or refusal with the caller's budget in its headers. */
function withHeaders(reply: HTTPGraphQLResponse | Rejection, headers: Record<string, string>): HTTPGraphQLResponse | Rejection {
  if ('rejected' in reply) return { ...reply, headers: { ...reply.headers, ...headers } };
  for (const [name, value] of Object.entries(headers)) reply.headers.set(name, value);
  return reply;
}

function isSubscription(operation: AdmittedOperation | FailedOperation): operation is AdmittedOperation {
  return !('failed' in operation) && operation.definition.operation === 'subscription';
}

/** A reply as GraphQL over SSE: its frames written as they come, never cached. */
function eventStreamReply(frames: AsyncIterable<string>, ended?: () => void): HTTPGraphQLResponse {
  const headers = new HeaderMap([
    ['content-type', EVENT_STREAM],
    ['cache-control', 'no-store'],
    // Proxies (nginx) must pass each event on as it comes, not buffer the stream.
    ['x-accel-buffering', 'no'],
  ]);
  return { status: 200, headers, body: { kind: 'chunked', asyncIterator: withEnd(frames, ended) } };
}

/** One operation's answer as a whole JSON reply (a streaming request that was refused, or has nothing to stream). */
function wholeReply(answer: { status: number; body: string }): HTTPGraphQLResponse {
  return { status: answer.status, headers: new HeaderMap([['content-type', APPLICATION_JSON], ['cache-control', 'no-store']]), body: { kind: 'complete', string: answer.body } };
}

async function* once(reply: string): AsyncGenerator<string> {
  yield reply;
}

async function* withEnd(chunks: AsyncIterable<string>, ended: (() => void) | undefined): AsyncGenerator<string> {
  try {
    yield* chunks;
  } finally {
    ended?.();
  }
}

const PART_HEADER = 'content-type: application/json; charset=utf-8\r\n\r\n';

/**
 * The parts of an incremental reply in multipart/mixed framing (boundary "-"), as Apollo
 * Server and Router write them: each part is followed at once by the next delimiter (the
 * close delimiter after the last), because a reader hands a part on only when it sees the
 * delimiter after it; a part whose delimiter waited for the next part would wait for it.
 */
async function* multipart(first: string, later: AsyncIterable<string>): AsyncGenerator<string> {
  yield `\r\n---\r\n${PART_HEADER}${first}\r\n---\r\n`;
  for await (const part of later) yield `${PART_HEADER}${part}\r\n---${part.startsWith(LAST_PART) ? '--' : ''}\r\n`;
}

/** How run-operation.ts writes the part that ends an incremental reply. */
const LAST_PART = '{"hasNext":false';
