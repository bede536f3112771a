import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { performance } from 'node:perf_hooks';
import { endSpan, ErrorCode, GATEWAY_CREDENTIAL_HEADER, SpanKind, type RequestTelemetry, type Span } from '@bff/platform';
import { GraphQLError, Kind, OperationTypeNode, type DocumentNode } from 'graphql';
import { OverloadedError, type Bulkhead } from '../resilience/bulkhead';
import type { CircuitBreaker } from '../resilience/circuit-breaker';
import { classifyFetchFailure } from '../resilience/fetch-failure';
import { unavailableResponse } from '../resilience/unavailable-response';
import { InFlightFetches } from './in-flight-fetches';
import { cacheHintFromHeader, errorFromReply, postGraphQL, replyBody, REPLY_CACHE_HINT, type SubgraphReply } from './subgraph-http';
import { subscribeAtSubgraph, type SubgraphEvent } from './subgraph-subscription';
import { REQUEST_ID_HEADER, type BffContext } from '../server/context';
import { NO_BFF_METRICS, type BffMetrics, type FetchOutcome } from '../server/bff-metrics';

export interface ForwardingDataSourceOptions {
  /** The subgraph's name in the supergraph, for logs. */
  name: string;
  url: string;
  /** The gateways' shared secret, without which subgraphs refuse to answer. */
  gatewaySecret: string;
  /** Deadline of one fetch, response body included. */
  timeoutMs: number;
  /** This subgraph's circuit. */
  breaker: CircuitBreaker;
  /** This subgraph's cap on fetches in flight from this BFF. @default none */
  bulkhead?: Bulkhead;
  /** Identical query fetches in flight share one request (see in-flight-fetches.ts). @default false */
  dedupe?: boolean;
  /** Fetch latency and failures per subgraph. */
  metrics?: BffMetrics;
}

type GatewayResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/**
 * Fetches from one domain subgraph over HTTP, passing on what the subgraph needs to know
 * about the request: the gateways' credential, the caller's identity, and the request id
 * that ties the BFF's log line to the subgraphs'. Sockets are kept alive (subgraph-http.ts).
 *
 * A fetch that fails (no connection, past its deadline, HTTP 5xx) or that the subgraph's
 * open circuit refuses does not fail the request: the plan gets SUBGRAPH_UNAVAILABLE errors
 * at the paths this fetch would have filled, and the other subgraphs' data is served.
 * A query retries once when its connection failed; a mutation never retries, because the
 * subgraph may have done the work before the connection broke.
 */
export class ForwardingDataSource implements GraphQLDataSource<BffContext> {
  private readonly inFlight = new InFlightFetches<SubgraphReply>();

  constructor(private readonly options: ForwardingDataSourceOptions) {}

  /** Fetches that shared another's in-flight request. */
  joinedFetches(): number {
    return this.inFlight.joined();
  }

  async process(options: GraphQLDataSourceProcessOptions<BffContext>): Promise<GatewayResponse> {
    // Only fetches for a client's operation get fault handling; the gateway's own calls fail as they are.
    if (!('incomingRequestContext' in options)) return this.send(options.request, options.context);
    const { name } = this.options;
    const metrics = this.options.metrics ?? NO_BFF_METRICS;
    const telemetry = (options.context as Partial<BffContext>).telemetry;
    const document = options.document;
    // Past the bulkhead's queue the whole request is refused (OVERLOADED): the client retries later.
    let release: (() => void) | undefined;
    if (this.options.bulkhead) {
      try {
        release = await this.options.bulkhead.acquire();
      } catch (error) {
        if (!(error instanceof OverloadedError)) throw error;
        metrics.subgraphFetch(name, 'overloaded', 0);
        throw new GraphQLError(error.message, { extensions: { code: ErrorCode.OVERLOADED, serviceName: name, retryAfterSeconds: error.retryAfterSeconds } });
      }
    }
    try {
      return await this.processAdmitted(options, telemetry, document);
    } finally {
      release?.();
    }
  }

  private async processAdmitted(options: Extract<GraphQLDataSourceProcessOptions<BffContext>, { incomingRequestContext: unknown }>, telemetry: RequestTelemetry | undefined, document: DocumentNode | undefined): Promise<GatewayResponse> {
    const { breaker, name } = this.options;
    const metrics = this.options.metrics ?? NO_BFF_METRICS;
    if (!breaker.tryAcquire()) {
      metrics.subgraphFetch(name, 'circuit_open', 0);
      this.report(telemetry, 'circuit open, not called');
      return unavailableResponse(options.request, document);
    }
    const mayRetry = isQueryOnly(options, document);
    const cachePolicy = options.incomingRequestContext.overallCachePolicy as { restrict?: (hint: object) => void } | undefined;
    for (let attempt = 1; ; attempt++) {
      const startedAt = performance.now();
      const span = fetchSpan(telemetry, name, attempt);
      telemetry?.count('fetches');
      const ended = (outcome: FetchOutcome, error?: unknown) => {
        metrics.subgraphFetch(name, outcome, (performance.now() - startedAt) / 1000);
        span?.setAttribute('outcome', outcome);
        endSpan(span, error);
      };
      try {
        const response = await this.send(options.request, options.context, cachePolicy, this.options.dedupe === true && mayRetry, span);
        ended('ok');
        breaker.succeeded();
        return response;
      } catch (error) {
        const failure = classifyFetchFailure(error);
        ended(failure === undefined ? 'error' : failure === 'server-error' ? 'http_error' : failure, error);
        if (failure === 'connection' && mayRetry && attempt === 1) continue;
        if (!failure) {
          // Not a sign of ill health (a 4xx, a malformed reply): the gateway reports it as it is.
          breaker.abandoned();
          throw error;
        }
        breaker.failed();
        this.report(telemetry, `${failure} after ${attempt} attempt(s): ${describe(error)}; circuit ${breaker.state}`);
        return unavailableResponse(options.request, document);
      }
    }
  }

  /**
   * Opens a subscription at this subgraph (subgraph-subscription.ts) with the same
   * credential and identity headers as a fetch; it ends when `signal` aborts.
   */
  subscribe(request: { query: string; variables: Record<string, unknown>; operationName?: string }, context: BffContext, signal: AbortSignal): AsyncIterableIterator<SubgraphEvent> {
    const headers: Record<string, string> = { [GATEWAY_CREDENTIAL_HEADER]: this.options.gatewaySecret, ...context.forwardHeaders, ...context.telemetry.outgoingHeaders() };
    return subscribeAtSubgraph({ url: this.options.url, headers, ...request, signal });
  }

  /** One HTTP exchange. The subgraph's Cache-Control narrows the response's cache policy, as in stock @apollo/gateway. */
  private async send(
    request: GraphQLDataSourceProcessOptions<BffContext>['request'],
    context: Partial<BffContext> | Record<string, unknown>,
    cachePolicy?: { restrict?: (hint: object) => void },
    dedupe = false,
    span?: Span,
  ): Promise<GatewayResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/json', [GATEWAY_CREDENTIAL_HEADER]: this.options.gatewaySecret };
    // The gateway adds a header of its own only to ask for federated traces.
    if (request.http?.headers) for (const [name, value] of request.http.headers) headers[name] = value;
    const forwarded = (context as Partial<BffContext>).forwardHeaders;
    if (forwarded) Object.assign(headers, forwarded);
    // Identical means the same text and the same caller: everything forwarded but the request id and trace.
    const identity = dedupe ? identityOf(headers) : '';
    if (span) (context as Partial<BffContext>).telemetry?.tracing?.inject(span, headers);
    const payload = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName, extensions: request.extensions });
    const fetchOnce = () => postGraphQL(this.options.url, headers, payload, this.options.timeoutMs);
    const reply = dedupe ? await this.inFlight.run(`${payload}\u0000${identity}`, fetchOnce) : await fetchOnce();
    if (reply.status < 200 || reply.status > 299) throw errorFromReply(reply);
    const body = replyBody(reply);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new Error(`Expected a JSON object from subgraph ${this.options.name}, got: ${String(body).slice(0, 200)}`);
    }
    const cacheControl = reply.headers['cache-control'];
    const hint = cacheHintFromHeader(cacheControl);
    cachePolicy?.restrict?.(hint);
    (body as Record<symbol, unknown>)[REPLY_CACHE_HINT] = cacheControl === undefined ? null : hint;
    return body as GatewayResponse;
  }

  private lastReportAt = 0;
  private unreported = 0;

  /**
   * At most one line per second per subgraph: a dead subgraph under load fails thousands of
   * fetches a second, and the log must stay readable (the count of the others is in the line).
   */
  private report(telemetry: RequestTelemetry | undefined, what: string): void {
    const now = Date.now();
    if (now - this.lastReportAt < 1_000) {
      this.unreported += 1;
      return;
    }
    const othersSinceLastReport = this.unreported;
    this.lastReportAt = now;
    this.unreported = 0;
    telemetry?.logger.warn({ reqId: telemetry.id, subgraph: this.options.name, what, othersSinceLastReport }, 'subgraph unavailable');
  }
}

/** The span of one fetch attempt, a child of the request's, when the request is traced. */
function fetchSpan(telemetry: RequestTelemetry | undefined, subgraph: string, attempt: number): Span | undefined {
  if (!telemetry?.span || !telemetry.tracing) return undefined;
  return telemetry.tracing.startChildSpan(`fetch ${subgraph}`, telemetry.span, { 'graphql.subgraph': subgraph, attempt }, SpanKind.CLIENT);
}

function identityOf(headers: Record<string, string>): string {
  let identity = '';
  for (const name of Object.keys(headers).sort()) if (name !== REQUEST_ID_HEADER) identity += `${name}:${headers[name]}\n`;
  return identity;
}

type IncomingOperation = Extract<GraphQLDataSourceProcessOptions<BffContext>, { incomingRequestContext: unknown }>;

/** Both the client's operation and this fetch only read. */
function isQueryOnly(options: IncomingOperation, document: DocumentNode | undefined): boolean {
  if (options.incomingRequestContext.operation?.operation !== OperationTypeNode.QUERY) return false;
  const fetchOperation = document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (fetchOperation && fetchOperation.kind === Kind.OPERATION_DEFINITION) return fetchOperation.operation === OperationTypeNode.QUERY;
  return !/^\s*mutation\b/.test(options.request.query ?? '');
}

function describe(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: string; cause?: { code?: string; message?: string } };
  return `${message ?? String(error)}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
}
