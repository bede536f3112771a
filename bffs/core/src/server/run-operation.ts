import type { HTTPGraphQLRequest } from '@apollo/server';
import { ErrorCode, type RequestTelemetry } from '@bff/platform';
import { GraphQLError, Kind, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { AdmittedOperation, FailedOperation } from '../gate/operation-gate';
import type { IncrementalItem } from '../gateway/defer-runner';
import { capErrors } from '../limits/error-cap';
import type { UsageRecorder } from '../usage/usage-recorder';
import { CachePolicy } from './cache-policy';
import type { BffContext } from './context';
import { isDeliberate, maskError } from './mask-errors';

/** What an executor answers: the plan executor's, or stock @apollo/gateway's. */
export interface ExecutionResultLike {
  data?: Record<string, unknown> | null;
  /** The data already written as JSON (the plan executor's response writer), in place of `data`. */
  dataJson?: string;
  errors?: readonly GraphQLError[];
  extensions?: Record<string, unknown>;
  /** With @defer, to a client that reads replies in parts: the deferred fragments, as each completes. */
  subsequent?: AsyncIterable<IncrementalItem[]>;
  /** A subscription's events, each a result of its own, as they come. */
  events?: AsyncIterable<ExecutionResultLike>;
}

/** Runs one admitted operation's plan; `requestContext` is the shape @apollo/gateway's executors read. */
export type OperationExecutor = (requestContext: GatewayRequestContext) => Promise<ExecutionResultLike>;

/** The request context @apollo/gateway's executors and data sources read (the fields they use). */
export interface GatewayRequestContext {
  request: { query: string; operationName?: string; variables: Record<string, unknown>; extensions?: Record<string, unknown>; http: HTTPGraphQLRequest };
  document: AdmittedOperation['document'];
  operation: AdmittedOperation['definition'];
  operationName: string | null;
  queryHash: string;
  source: string;
  context: BffContext;
  /** Narrowed by each subgraph reply's Cache-Control. */
  overallCachePolicy: CachePolicy;
  logger: RequestTelemetry['logger'];
  metrics: Record<string, unknown>;
  /** Present when the client reads replies in parts (multipart/mixed): @defer is answered incrementally. */
  incremental?: IncrementalDelivery;
  /** Present when the transport streams (SSE, WebSocket): a subscription runs until `signal` aborts. */
  subscription?: { signal: AbortSignal };
}

export interface IncrementalDelivery {
  /** True once the client has gone away: no further deferred fragment starts. */
  stopped(): boolean;
}

/** One operation's answer, ready to write: its body (as Apollo Server writes one: errors, data, extensions), status and Cache-Control. */
export interface OperationAnswer {
  status: number;
  cacheControl: string;
  body: string;
  /**
   * An incremental reply's later parts (the 2022-08-24 format: `incremental` items and
   * `hasNext`), `body` being its first; the last part says `"hasNext":false`.
   */
  parts?: AsyncIterable<string>;
  /** A subscription's events, each written like a whole reply (errors formatted, data), as they come. */
  events?: AsyncIterable<string>;
  /** Refused for an overloaded subgraph (503): when to try again, in seconds. */
  retryAfterSeconds?: number;
  /** What the subgraphs' cache hints allow for this reply, whatever the method (a reply with errors: none). */
  cacheHint?: { maxAge: number; scope: 'PUBLIC' | 'PRIVATE' };
}

/**
 * Runs one operation the gate admitted (or answers one it found invalid) and makes its
 * answer: errors formatted at the BFF boundary (`maskError`; what is masked is logged in
 * full with the request id), the status GraphQL-over-HTTP gives it, and the Cache-Control
 * its subgraphs' hints allow (a GET only; a POST is never reusable).
 */
export async function runOperation(
  operation: AdmittedOperation | FailedOperation,
  scope: {
    execute: OperationExecutor;
    context: BffContext;
    request: HTTPGraphQLRequest;
    usage?: UsageRecorder;
    apiSchema: GraphQLSchema;
    incremental?: IncrementalDelivery;
    subscription?: { signal: AbortSignal };
  },
): Promise<OperationAnswer> {
  const { context, request } = scope;
  const telemetry = context.telemetry;
  const cachePolicy = new CachePolicy();
  let result: ExecutionResultLike;
  let status: number | undefined;
  let name: string | undefined;
  if ('failed' in operation) {
    result = { errors: operation.errors };
    status = operation.status;
    name = operation.operationName;
  } else {
    name = operation.definition.name?.value ?? operation.request.operationName;
    try {
      result = await scope.execute({
        request: {
          query: operation.query,
          operationName: operation.request.operationName,
          variables: operation.request.variables ?? {},
          extensions: operation.request.extensions,
          http: request,
        },
        document: operation.document,
        operation: operation.definition,
        operationName: operation.definition.name?.value ?? null,
        queryHash: operation.queryHash,
        source: operation.query,
        context,
        overallCachePolicy: cachePolicy,
        logger: telemetry.logger,
        metrics: {},
        ...(scope.incremental ? { incremental: scope.incremental } : {}),
        ...(scope.subscription ? { subscription: scope.subscription } : {}),
      });
    } catch (error) {
      result = { errors: [asGraphQLError(error)] };
      status = 500;
    }
  }

  // A subgraph's bulkhead turned a fetch away: the request is refused whole, to be retried (503).
  const overloaded = result.errors?.find((error) => error.extensions?.code === ErrorCode.OVERLOADED);
  let retryAfterSeconds: number | undefined;
  if (overloaded) {
    result = { errors: [overloaded] };
    status = 503;
    retryAfterSeconds = Number(overloaded.extensions.retryAfterSeconds) || 1;
  }
  // A variable that does not coerce: nothing ran, and the request is what was wrong.
  if (result.errors?.length && result.data === undefined && result.dataJson === undefined) status ??= 400;
  const formatted = forClient(result.errors, telemetry);
  if (scope.usage && !('failed' in operation)) {
    scope.usage.record(
      { queryHash: operation.queryHash, name: operation.definition.name?.value ?? null, document: operation.document, schema: scope.apiSchema },
      context.client.name,
      context.client.version,
      Boolean(formatted?.length),
    );
  }
  const code = formatted?.[0]?.extensions?.code;
  const hasData = result.dataJson !== undefined || (result.data !== undefined && result.data !== null);
  telemetry.operationEnded({
    name,
    outcome: !formatted?.length ? 'success' : hasData ? 'partial' : (status ?? 200) >= 400 ? 'rejected' : 'error',
    code: typeof code === 'string' ? code : undefined,
  });
  if (result.events) return { status: 200, cacheControl: 'no-store', body: '', events: eventReplies(result.events, telemetry) };
  if (result.subsequent) {
    // A reply in parts is never reused: its later parts are not known when its headers go.
    return { status: status ?? 200, cacheControl: 'no-store', body: replyText(formatted, result, true), parts: laterParts(result.subsequent, telemetry) };
  }
  return {
    status: status ?? 200,
    cacheControl: request.method === 'GET' && !formatted?.length ? cachePolicy.header() : 'no-store',
    body: replyText(formatted, result),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    ...(!formatted?.length && cachePolicy.maxAge ? { cacheHint: { maxAge: cachePolicy.maxAge, scope: cachePolicy.scope ?? 'PUBLIC' } } : {}),
  };
}

/** The deferred fragments' parts as each completes, their errors formatted like the first part's, then the closing `hasNext: false`. */
async function* laterParts(subsequent: AsyncIterable<IncrementalItem[]>, telemetry: RequestTelemetry): AsyncGenerator<string> {
  for await (const items of subsequent) {
    const incremental = items.map((item) => {
      const errors = forClient(item.errors, telemetry);
      return { ...(errors?.length ? { errors } : {}), data: item.data, path: item.path, ...(item.label !== undefined ? { label: item.label } : {}) };
    });
    yield JSON.stringify({ hasNext: true, incremental });
  }
  yield '{"hasNext":false}';
}

/** A subscription's events, each written as a whole reply, errors formatted for the client. */
async function* eventReplies(events: AsyncIterable<ExecutionResultLike>, telemetry: RequestTelemetry): AsyncGenerator<string> {
  for await (const event of events) yield replyText(forClient(event.errors, telemetry), event).trimEnd();
}

/** The reply as Apollo Server writes one (errors, data, extensions), with data written already where the executor did. */
function replyText(errors: GraphQLFormattedError[] | undefined, result: ExecutionResultLike, hasNext?: boolean): string {
  if (hasNext !== undefined) return JSON.stringify({ errors, data: result.data, extensions: result.extensions, hasNext });
  if (result.dataJson === undefined) return `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`;
  const head = errors ? `{"errors":${JSON.stringify(errors)},"data":` : '{"data":';
  const tail = result.extensions ? `,"extensions":${JSON.stringify(result.extensions)}}\n` : '}\n';
  return head + result.dataJson + tail;
}

/** Errors as the client gets them (a code each, masked at the BFF boundary); what is masked is logged in full with the request id. */
function forClient(errors: readonly GraphQLError[] | undefined, telemetry: RequestTelemetry): GraphQLFormattedError[] | undefined {
  if (!errors) return undefined;
  return capErrors(errors.map((original) => {
    const error = withInputErrorCode(original);
    if (!isDeliberate(error.extensions?.code)) {
      telemetry.logger.error({ reqId: telemetry.id, err: error.originalError ?? error, path: error.path?.join('.'), code: error.extensions?.code }, 'unexpected error');
    }
    return formatError(error);
  }));
}

function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const original = error instanceof Error ? error : new Error(String(error));
  return new GraphQLError(original.message, { originalError: original });
}

/** graphql-js reports a variable that does not coerce without a code; it is the caller's input that is wrong. */
function withInputErrorCode(error: GraphQLError): GraphQLError {
  if (error.extensions?.code !== undefined || error.nodes?.length !== 1 || error.nodes[0]?.kind !== Kind.VARIABLE_DEFINITION) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions: { ...error.extensions, code: ErrorCode.BAD_USER_INPUT } });
}

/** The error as JSON, with a code (none is an internal error), through the BFF boundary's masking. */
function formatError(error: GraphQLError): GraphQLFormattedError {
  const json = error.toJSON();
  return maskError({ ...json, extensions: { ...json.extensions, code: error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR } });
}
