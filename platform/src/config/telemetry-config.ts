import { ConfigError, readOptionalString } from './env';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How a service process reports on itself: its log level and where its traces go. */
export interface TelemetryConfig {
  logLevel: LogLevel;
  /** OTLP/HTTP traces URL (`…/v1/traces`); absent: tracing off, nothing is recorded. */
  tracesUrl: string | undefined;
  /** `service.name` of its spans. */
  serviceName: string;
}

/**
 * - `LOG_LEVEL`: fatal, error, warn, info (default), debug, trace or silent
 * - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (the full traces URL) or `OTEL_EXPORTER_OTLP_ENDPOINT`
 *   (the collector's base URL; `/v1/traces` is appended), as the OpenTelemetry SDKs read them.
 *   Neither set: no tracing at all.
 * - `OTEL_SERVICE_NAME`: overrides the service's own name in its spans.
 */
export function readTelemetryConfig(service: string, env: Record<string, string | undefined> = process.env): TelemetryConfig {
  const level = readOptionalString(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  const traces = readOptionalString(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = readOptionalString(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const tracesUrl = traces ?? (base === undefined ? undefined : `${base.replace(/\/$/, '')}/v1/traces`);
  if (tracesUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(tracesUrl)) {
    throw new ConfigError(`${traces !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT'} must be an http(s) URL, got "${traces ?? base}"`);
  }
  return { logLevel: level as LogLevel, tracesUrl, serviceName: readOptionalString(env, 'OTEL_SERVICE_NAME') ?? service };
}
