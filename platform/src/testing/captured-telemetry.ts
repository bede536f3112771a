import type { LogLevel } from '../config/telemetry-config';
import { ServiceTelemetry } from '../observability/service-telemetry';

/** Log lines of one or more services, kept in memory as parsed JSON objects. */
export class CapturedLog {
  readonly lines: Record<string, any>[] = [];
  readonly destination = { write: (chunk: string) => void this.lines.push(...chunk.split('\n').filter(Boolean).map((line) => JSON.parse(line))) };

  /** Lines of one service (its `service` field). */
  of(service: string): Record<string, any>[] {
    return this.lines.filter((line) => line.service === service);
  }
}

/**
 * Telemetry for a service under test: log lines into `log`, spans to `tracesUrl` when given
 * (an in-process OTLP receiver), as a process configured with LOG_LEVEL and
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT would have it.
 */
export function capturedTelemetry(service: string, log: CapturedLog, options: { tracesUrl?: string; level?: LogLevel } = {}): ServiceTelemetry {
  return ServiceTelemetry.fromConfig(service, { logLevel: options.level ?? 'info', tracesUrl: options.tracesUrl, serviceName: service }, { destination: log.destination });
}
