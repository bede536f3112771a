import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets in seconds: from a cached persisted query to a slow subgraph's deadline. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The outcome of one GraphQL operation, as every service reports it. */
export type Outcome = 'success' | 'partial' | 'error' | 'rejected';

/**
 * One service's Prometheus registry: the process metrics and the GraphQL request series
 * every service has. A registry per server, not prom-client's global one, so two servers in
 * one process (tests, the bench) never share or clash over series.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly operations: Counter<'client_name' | 'client_version' | 'operation' | 'outcome' | 'code'>;
  readonly operationSeconds: Histogram<'client_name' | 'operation' | 'outcome'>;

  /**
   * @param processMetrics whether to add the process metrics (CPU, memory, event loop, GC).
   *   Each set watches GC and the event loop for as long as the process lives, with no way to
   *   stop it, so only a service that owns its process adds them, not every server a test builds.
   */
  constructor(service: string, processMetrics = true) {
    this.registry.setDefaultLabels({ service });
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
    this.operations = new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations answered, by calling client, operation, outcome (success, partial, error, rejected) and the first error code.',
      labelNames: ['client_name', 'client_version', 'operation', 'outcome', 'code'],
      registers: [this.registry],
    });
    this.operationSeconds = new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'Time from the request arriving to its answer, per operation.',
      labelNames: ['client_name', 'operation', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets = LATENCY_BUCKETS): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** A value read when the metrics are scraped (how many of something are open now). */
  gauge(name: string, help: string, read: () => number): Gauge {
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** The text exposition format, for `GET /metrics`. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
