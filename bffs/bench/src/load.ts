import autocannon from 'autocannon';
import type { WireRequest } from './operations';

export interface LoadOptions {
  /** Base URL of the target (`http://127.0.0.1:<port>`); the request carries the path. */
  origin: string;
  request: WireRequest;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export interface LoadResult {
  rps: number;
  requests: number;
  /** Latency percentiles in milliseconds, over every response of the measured window. */
  p50: number;
  p95: number;
  p99: number;
  /** Average bytes of a response on the wire (status line, headers and body). */
  responseWireBytes: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function cannon(options: LoadOptions, seconds: number, onResponse?: (status: number, bytes: number, ms: number) => void): Promise<autocannon.Result> {
  return new Promise((resolveRun, reject) => {
    const instance = autocannon(
      {
        url: `${options.origin}${options.request.path}`,
        method: options.request.method,
        headers: options.request.headers,
        body: options.request.body,
        connections: options.connections,
        duration: seconds,
        timeout: 10,
      },
      (error: unknown, result: autocannon.Result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolveRun(result)),
    );
    if (onResponse) instance.on('response', (_client, status, bytes, ms) => onResponse(status, bytes, ms));
  });
}

/**
 * A fixed number of connections, each sending the next request as soon as the last one is
 * answered (closed loop), to 127.0.0.1 only: a warm-up that is not measured, then the
 * measured window. Percentiles come from every response's own latency (autocannon's
 * histogram has no p95).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const host = new URL(options.origin).hostname;
  if (host !== '127.0.0.1') throw new Error(`load goes to 127.0.0.1 only, not ${host}`);
  if (options.warmupSeconds > 0) await cannon(options, options.warmupSeconds);
  const latencies: number[] = [];
  let bytes = 0;
  const result = await cannon(options, options.durationSeconds, (_status, responseBytes, ms) => {
    latencies.push(ms);
    bytes += responseBytes;
  });
  latencies.sort((a, b) => a - b);
  const completed = latencies.length;
  return {
    rps: result.requests.total / result.duration,
    requests: result.requests.total,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    responseWireBytes: completed ? bytes / completed : 0,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
