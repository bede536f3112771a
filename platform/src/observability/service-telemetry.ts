import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { DestinationStream } from 'pino';
import type { TelemetryConfig } from '../config/telemetry-config';
import { BoundedLabel } from './bounded-label';
import { createLogger, SILENT_LOGGER, type Logger } from './logger';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';
import { ServiceMetrics, type Outcome } from './service-metrics';
import { createTracing, endSpan, type Span, type Tracing } from './tracing';

/** Apollo's client-awareness headers: the app says who it is; a BFF says which client it serves. */
export const CLIENT_NAME_HEADER = 'apollographql-client-name';
export const CLIENT_VERSION_HEADER = 'apollographql-client-version';

/** Distinct client names and versions kept as label values before the rest fold into `__other`. */
const CLIENT_NAME_BUDGET = 20;
const CLIENT_VERSION_BUDGET = 50;

/** One GraphQL operation of a request, as it ended. */
export interface OperationReport {
  /** The operation's name, as sent or as its persisted document names it. */
  name: string | undefined;
  outcome: Outcome;
  /** `extensions.code` of the first error, if any. */
  code?: string;
}

/**
 * Everything one service knows about how it is doing: its logger, its metrics, its tracing.
 * The HTTP server opens a `RequestTelemetry` per GraphQL request with it.
 */
export class ServiceTelemetry {
  readonly metrics: ServiceMetrics;
  readonly tracing: Tracing | undefined;
  readonly labels: { clientName: BoundedLabel; clientVersion: BoundedLabel; operation: BoundedLabel };
  private readonly finishers: ((request: RequestTelemetry) => void)[] = [];

  constructor(
    readonly service: string,
    readonly logger: Logger,
    options: {
      tracing?: Tracing;
      /** Operation names always kept as label values (a BFF's registered operations). */
      knownOperations?: ReadonlySet<string>;
      /** Other operation names kept before folding into `__other`. @default 200 */
      operationBudget?: number;
      /** Add the process metrics (see ServiceMetrics). @default true */
      processMetrics?: boolean;
    } = {},
  ) {
    this.metrics = new ServiceMetrics(service, options.processMetrics ?? true);
    this.tracing = options.tracing;
    this.labels = {
      clientName: new BoundedLabel(CLIENT_NAME_BUDGET),
      clientVersion: new BoundedLabel(CLIENT_VERSION_BUDGET),
      operation: new BoundedLabel(options.operationBudget ?? 200, options.knownOperations, '__anonymous'),
    };
  }

  /** A service's telemetry as its process's environment configures it (LOG_LEVEL, OTLP endpoint). */
  static fromConfig(service: string, config: TelemetryConfig, options: { knownOperations?: ReadonlySet<string>; operationBudget?: number; destination?: DestinationStream } = {}): ServiceTelemetry {
    const tracing = createTracing({ serviceName: config.serviceName, tracesUrl: config.tracesUrl });
    return new ServiceTelemetry(service, createLogger(service, config.logLevel, options.destination), { ...options, tracing });
  }

  /** No logs, no traces, no process metrics; the request metrics still counted (servers built without telemetry: most tests). */
  static quiet(service: string): ServiceTelemetry {
    return new ServiceTelemetry(service, SILENT_LOGGER, { processMetrics: false });
  }

  /** Called with every request as it ends, after the common metrics (a subgraph records its SQL count here). */
  onRequestFinished(finisher: (request: RequestTelemetry) => void): void {
    this.finishers.push(finisher);
  }

  begin(req: IncomingMessage): RequestTelemetry {
    return new RequestTelemetry(this, req);
  }

  /** @internal */
  finished(request: RequestTelemetry): void {
    for (const finisher of this.finishers) finisher(request);
  }

  async shutdown(): Promise<void> {
    await this.tracing?.shutdown();
  }
}

/**
 * One GraphQL request's id, span, operations and counts, filled in by whoever learns them
 * (the gate, Apollo, the subgraph fetches, the SQL counter), then turned into one log line
 * and the metrics when the response has gone.
 */
export class RequestTelemetry {
  readonly id: string;
  readonly span: Span | undefined;
  readonly clientName: string | undefined;
  readonly clientVersion: string | undefined;
  readonly operations: OperationReport[] = [];
  /** Counts worth a field in the request's log line (subgraph fetches, SQL statements). */
  readonly counts: Record<string, number> = {};
  /** Operation name to report if the request is refused before any operation ran. */
  requestedOperation: string | undefined;
  private readonly startedAt = performance.now();
  private ended = false;

  constructor(
    private readonly service: ServiceTelemetry,
    req: IncomingMessage,
  ) {
    this.id = requestIdFrom(req.headers);
    const name = req.headers[CLIENT_NAME_HEADER];
    const version = req.headers[CLIENT_VERSION_HEADER];
    this.clientName = typeof name === 'string' ? name : undefined;
    this.clientVersion = typeof version === 'string' ? version : undefined;
    this.span = service.tracing?.startServerSpan(`${req.method ?? 'GET'} /graphql`, req.headers, {
      'http.request.method': req.method ?? 'GET',
      'url.path': '/graphql',
      'http.request.id': this.id,
    });
  }

  get tracing(): Tracing | undefined {
    return this.service.tracing;
  }

  get logger(): Logger {
    return this.service.logger;
  }

  /**
   * Headers that carry this request's id, and its trace (as a child of `span`), to another
   * service it calls, so that service's log lines and spans join this request's.
   */
  outgoingHeaders(span: Span | undefined = this.span): Record<string, string> {
    const headers: Record<string, string> = { [REQUEST_ID_HEADER]: this.id };
    if (span && this.service.tracing) this.service.tracing.inject(span, headers);
    return headers;
  }

  /** Adds to one of the counts of the log line. */
  count(name: string, by = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + by;
  }

  operationEnded(report: OperationReport): void {
    this.operations.push(report);
  }

  /** The request was answered by a refusal before any operation ran. */
  refused(code: string): void {
    this.operations.push({ name: this.requestedOperation, outcome: 'rejected', code });
  }

  /** Seconds since the request arrived. */
  elapsedSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /** Once, when the response has been sent (or the connection closed under it). */
  end(status: number): void {
    if (this.ended) return;
    this.ended = true;
    const seconds = this.elapsedSeconds();
    if (this.operations.length === 0) {
      // Answered by Apollo before any operation started (CSRF, a method it refuses).
      this.operations.push({ name: this.requestedOperation, outcome: status < 400 ? 'success' : 'rejected', code: status < 400 ? undefined : `HTTP_${status}` });
    }
    const { labels, metrics } = this.service;
    const client = labels.clientName.of(this.clientName);
    const version = labels.clientVersion.of(this.clientVersion);
    for (const operation of this.operations) {
      const name = labels.operation.of(operation.name);
      metrics.operations.inc({ client_name: client, client_version: version, operation: name, outcome: operation.outcome, code: operation.code ?? '' });
      metrics.operationSeconds.observe({ client_name: client, operation: name, outcome: operation.outcome }, seconds);
    }
    this.service.finished(this);
    const { logger } = this.service;
    const writesLine = logger.isLevelEnabled(status < 500 ? 'info' : 'error');
    // Summarised only for a line or a span that will be written: at LOG_LEVEL=warn, untraced, a 200 builds nothing here.
    if (!writesLine && !this.span) return;
    const worst = this.operations.find((o) => o.outcome !== 'success') ?? this.operations[0]!;
    const operation = this.operations.map((o) => o.name ?? '(anonymous)').join(',');
    if (this.span) {
      this.span.setAttributes({ 'http.response.status_code': status, 'graphql.operation.name': operation, outcome: worst.outcome });
      endSpan(this.span, status >= 500 ? new Error(`HTTP ${status}`) : undefined);
    }
    if (!writesLine) return;
    const line = {
      reqId: this.id,
      status,
      ms: Math.round(seconds * 10_000) / 10,
      client: this.clientName,
      clientVersion: this.clientVersion,
      operation,
      outcome: worst.outcome,
      code: worst.code,
      ...this.counts,
    };
    if (status >= 500) logger.error(line, 'graphql request');
    else logger.info(line, 'graphql request');
  }
}
