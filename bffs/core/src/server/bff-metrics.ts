import type { ServiceTelemetry } from '@bff/platform';
import type { CacheOutcome } from '../response-cache/response-cache';

/** How one subgraph fetch ended, as the BFF saw it. */
export type FetchOutcome = 'ok' | 'http_error' | 'timeout' | 'connection' | 'circuit_open' | 'overloaded' | 'error';

/** What a persisted-query lookup came to. */
export type PersistedResult = 'hit' | 'miss' | 'registered' | 'not_in_list' | 'text_refused' | 'upgrade_required';

/** The series only a BFF has, next to the ones every service has (see ServiceTelemetry). */
export interface BffMetrics {
  subgraphFetch(subgraph: string, outcome: FetchOutcome, seconds: number): void;
  persistedQuery(result: PersistedResult): void;
  /** One subscription event delivered to a client. */
  subscriptionEvent(): void;
  /** A response-cache lookup or change (hit, miss, stored, evicted). */
  responseCache(outcome: CacheOutcome): void;
  /** The same for one entity (or root-field reply) of the entity cache. */
  entityCache(outcome: CacheOutcome): void;
}

/** Metrics nobody reads (unit tests of parts built without a server). */
export const NO_BFF_METRICS: BffMetrics = {
  subgraphFetch: () => undefined,
  persistedQuery: () => undefined,
  subscriptionEvent: () => undefined,
  responseCache: () => undefined,
  entityCache: () => undefined,
};

export function createBffMetrics(telemetry: ServiceTelemetry): BffMetrics {
  const { metrics } = telemetry;
  const fetchSeconds = metrics.histogram('bff_subgraph_fetch_duration_seconds', 'Subgraph fetches as the BFF saw them, by subgraph and outcome.', ['subgraph', 'outcome']);
  const fetchErrors = metrics.counter('bff_subgraph_fetch_errors_total', 'Subgraph fetches that failed or were not attempted (open circuit), by subgraph and reason.', ['subgraph', 'reason']);
  const persisted = metrics.counter('bff_persisted_queries_total', 'Persisted-query lookups: hit, miss (APQ), registered (APQ), not_in_list (safelist) and text_refused (query text where only ids may run).', ['result']);
  const events = metrics.counter('bff_subscription_events_total', 'Subscription events delivered to clients (both transports).', []);
  const cache = metrics.counter('bff_response_cache_total', 'Response cache: lookups that hit or missed, replies stored, replies evicted for room (memory) and replies cleared because their data changed.', ['result']);
  const entities = metrics.counter('bff_entity_cache_total', 'Entity cache, per entity (or root-field reply) of a subgraph fetch: lookups that hit or missed, entries stored, evicted for room (memory) and cleared because their data changed.', ['result']);
  const limits = metrics.counter('bff_limit_rejections_total', 'Requests refused by a client limit, by limit (depth, cost, alias, root_field, token, batch, body, defer, subscription).', ['limit']);
  telemetry.onRequestFinished((request) => {
    for (const operation of request.operations) {
      const limit = operation.code && /^([A-Z_]+)_LIMIT_EXCEEDED$/.exec(operation.code)?.[1];
      if (limit) limits.inc({ limit: limit.toLowerCase() });
    }
  });
  return {
    subgraphFetch: (subgraph, outcome, seconds) => {
      fetchSeconds.observe({ subgraph, outcome }, seconds);
      if (outcome !== 'ok') fetchErrors.inc({ subgraph, reason: outcome });
    },
    persistedQuery: (result) => persisted.inc({ result }),
    subscriptionEvent: () => events.inc(),
    responseCache: (result) => cache.inc({ result }),
    entityCache: (result) => entities.inc({ result }),
  };
}
