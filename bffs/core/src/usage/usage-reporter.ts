import type { ServiceMetrics } from '@bff/platform';
import type { UsageRecorder } from './usage-recorder';

/** Answers that the same report would get again. A 401/403 is not among them: the token may be fixed while the counts wait. */
const REFUSED_FOR_GOOD = new Set([400, 404, 413, 422]);

export interface UsageReporterOptions {
  recorder: UsageRecorder;
  /** The registry's base URL; reports go to `POST <registryUrl>/usage`. */
  registryUrl: string;
  /** The registry's usage token (`REGISTRY_USAGE_TOKEN`). */
  token: string;
  /** @default 10000 */
  intervalMs?: number;
  /** How long one report may take before it is abandoned (its counts go back to the recorder). @default 5000 */
  timeoutMs?: number;
  log: (message: string) => void;
  /** Where the reports' outcomes are counted (`bff_usage_reports_total`, `bff_usage_dropped_keys_total`). */
  metrics?: ServiceMetrics;
}

export interface UsageReporter {
  /** Sends what has been recorded now (one report at a time); resolves when it is done, never rejects. */
  flush(): Promise<void>;
  /** Stops the timer and sends what is left (on drain). */
  stop(): Promise<void>;
}

/**
 * Sends the recorder's counts to the registry on a timer, one report at a time. A registry
 * that is down or slow costs nothing but the report: its counts go back to the recorder
 * (which is bounded) and travel with the next one; the outage is logged once, not per try.
 */
export function startUsageReporter(options: UsageReporterOptions): UsageReporter {
  const endpoint = `${options.registryUrl.replace(/\/$/, '')}/usage`;
  let inFlight: Promise<void> | undefined;
  let failing = false;
  const reports = options.metrics?.counter('bff_usage_reports_total', 'Usage reports sent to the registry, by outcome (accepted, refused, failed).', ['outcome']);
  const dropped = options.metrics?.counter('bff_usage_dropped_keys_total', 'Operation usage keys not kept because the reporter was full while the registry was away.', []);

  const send = async () => {
    const taken = options.recorder.take();
    if (!taken) return;
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify(taken.report),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      await response.arrayBuffer();
      if (REFUSED_FOR_GOOD.has(response.status)) {
        // The registry will never take this report (malformed, too large, a client it does not know): sending it again would fail again.
        options.log(`usage report refused by the registry (${response.status}): ${taken.report.usage.length} entries dropped`);
        taken.accepted();
        reports?.inc({ outcome: 'refused' });
        return;
      }
      if (!response.ok) throw new Error(`the registry answered ${response.status}`);
      taken.accepted();
      reports?.inc({ outcome: 'accepted' });
      if (taken.report.dropped) dropped?.inc(taken.report.dropped);
      if (failing) options.log('usage reports reach the registry again');
      failing = false;
    } catch (error) {
      taken.failed();
      reports?.inc({ outcome: 'failed' });
      if (!failing) options.log(`usage report not sent (kept for the next one, within bounds): ${(error as Error).message}`);
      failing = true;
    }
  };

  const flush = () => {
    inFlight ??= send().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  const timer = setInterval(() => void flush(), options.intervalMs ?? 10_000);
  timer.unref();
  return {
    flush,
    stop: async () => {
      clearInterval(timer);
      await inFlight;
      await flush();
    },
  };
}
