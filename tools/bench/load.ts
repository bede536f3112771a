import { performance } from 'node:perf_hooks';
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
  /** Every response of the run, warm-up and the tail after the window included (what a server counted, to compare with). */
  totals: LoadTotals;
}

/** Every response of one load run, not only the measured window's. */
export interface LoadTotals {
  /** Responses that arrived, whatever their status. */
  answered: number;
  /** Of those, statuses outside 2xx. */
  non2xx: number;
  /**
   * Requests written, answered or not. autocannon abandons those in flight when it stops (it
   * destroys its sockets), which the server may still run: `sent - answered - errors` of them.
   */
  sent: number;
  /** Connection errors and timeouts. */
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
 * answered (closed loop), to 127.0.0.1 only. One autocannon run covers the warm-up and the
 * measured window; only responses that arrive inside the window count, for the rate and the
 * percentiles (autocannon's own histogram has no p95). One run, not two, because each run
 * ends by waiting for the requests still in flight, which on a slow target is a second wasted.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const host = new URL(options.origin).hostname;
  if (host !== '127.0.0.1') throw new Error(`load goes to 127.0.0.1 only, not ${host}`);
  const latencies: number[] = [];
  let bytes = 0;
  let non2xx = 0;
  let answered = 0;
  let answeredNon2xx = 0;
  const windowStart = performance.now() + options.warmupSeconds * 1000;
  const windowEnd = windowStart + options.durationSeconds * 1000;
  const result = await cannon(options, options.warmupSeconds + options.durationSeconds, (status, responseBytes, ms) => {
    answered += 1;
    if (status < 200 || status > 299) answeredNon2xx += 1;
    const now = performance.now();
    if (now < windowStart || now > windowEnd) return;
    latencies.push(ms);
    bytes += responseBytes;
    if (status < 200 || status > 299) non2xx += 1;
  });
  latencies.sort((a, b) => a - b);
  const completed = latencies.length;
  return {
    rps: completed / options.durationSeconds,
    requests: completed,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    responseWireBytes: completed ? bytes / completed : 0,
    non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    // `requests.sent` is in autocannon's result but not in its type definitions.
    totals: { answered, non2xx: answeredNon2xx, sent: (result.requests as { sent?: number }).sent ?? answered, errors: result.errors, timeouts: result.timeouts },
  };
}
