import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { IncomingHttpHeaders } from 'node:http';

export { SpanKind, type Span } from '@opentelemetry/api';

/**
 * A service's tracing, when an OTLP endpoint is configured. Spans get their parents passed
 * explicitly (the request's span travels in the GraphQL context) instead of through an
 * async-context manager: no async hooks on the request path, and two services in one
 * process (tests) keep their own provider and `service.name`.
 */
export interface Tracing {
  readonly tracer: Tracer;
  /** The span of an incoming request, continuing the caller's trace when it sent `traceparent`. */
  startServerSpan(name: string, headers: IncomingHttpHeaders, attributes?: Attributes): Span;
  startChildSpan(name: string, parent: Span, attributes?: Attributes, kind?: SpanKind): Span;
  /** Puts `traceparent` (and `tracestate`) for `span` into outgoing request headers. */
  inject(span: Span, headers: Record<string, string>): void;
  /** Sends what is buffered (tests; shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  keys: (carrier: IncomingHttpHeaders) => Object.keys(carrier),
  get: (carrier: IncomingHttpHeaders, key: string) => carrier[key],
};
const headerSetter = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };

/** Tracing for one service, or `undefined` when no endpoint is configured (tracing off: no spans at all). */
export function createTracing(options: { serviceName: string; tracesUrl: string | undefined }): Tracing | undefined {
  if (options.tracesUrl === undefined) return undefined;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    // Batched, so a request never waits on the collector; a dead collector costs dropped spans only.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.tracesUrl }), { scheduledDelayMillis: 1_000 })],
  });
  const tracer = provider.getTracer('graphql-per-client-federation');
  return {
    tracer,
    startServerSpan: (name, headers, attributes) =>
      tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, propagator.extract(ROOT_CONTEXT, headers, headerGetter)),
    startChildSpan: (name, parent, attributes, kind = SpanKind.INTERNAL) => tracer.startSpan(name, { kind, attributes }, trace.setSpan(ROOT_CONTEXT, parent)),
    inject: (span, headers) => propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, headerSetter),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Ends a span, marking it failed when `error` is given. */
export function endSpan(span: Span | undefined, error?: unknown): void {
  if (!span) return;
  if (error !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}
