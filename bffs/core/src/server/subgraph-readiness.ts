import { GATEWAY_CREDENTIAL_HEADER, type ReadinessReport } from '@bff/platform';
import type { CircuitState } from '../resilience/circuit-breaker';
import type { SubgraphBreakers } from '../resilience/subgraph-breakers';

export interface RemoteSubgraph {
  name: string;
  url: string;
}

/** A subgraph that has not answered since the BFF started is `waiting`; after that, its circuit's state. */
export type SubgraphHealth = 'waiting' | CircuitState;

/**
 * Readiness of a BFF, with every HTTP subgraph's state in the report:
 * - not ready until each subgraph has answered a trivial query once (start-up);
 * - then `ready`, or `degraded` while some circuits are open: still 200, because the BFF
 *   serves partial data, and taking every replica out of the load balancer because one
 *   subgraph is down would turn a missing panel into an outage;
 * - not ready (503) when every subgraph's circuit is open: nothing could be served.
 *
 * The probe also tests open circuits whose wait is over, with the same one-trial rule as
 * requests: a BFF that receives no traffic (because it reports not ready) would otherwise
 * never learn that its subgraphs are back.
 */
export function subgraphReadiness(
  subgraphs: readonly RemoteSubgraph[],
  gatewaySecret: string,
  breakers: SubgraphBreakers,
  timeoutMs = 2_000,
): () => Promise<ReadinessReport> {
  const answered = new Set<string>();
  const probe = async ({ url }: RemoteSubgraph): Promise<boolean> => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [GATEWAY_CREDENTIAL_HEADER]: gatewaySecret },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  };
  return async () => {
    await Promise.all(
      subgraphs.map(async (subgraph) => {
        if (!answered.has(subgraph.url)) {
          if (await probe(subgraph)) answered.add(subgraph.url);
          return;
        }
        const breaker = breakers.for(subgraph.name);
        if (breaker.state !== 'half-open' || !breaker.tryAcquire()) return;
        if (await probe(subgraph)) breaker.succeeded();
        else breaker.failed();
      }),
    );
    const health: Record<string, SubgraphHealth> = {};
    for (const subgraph of subgraphs) health[subgraph.name] = answered.has(subgraph.url) ? breakers.for(subgraph.name).state : 'waiting';
    const states = Object.values(health);
    if (states.includes('waiting')) return { ready: false, status: 'starting', subgraphs: health };
    if (states.length > 0 && states.every((state) => state === 'open')) return { ready: false, status: 'all subgraphs unavailable', subgraphs: health };
    return { ready: true, status: states.every((state) => state === 'closed') ? 'ready' : 'degraded', subgraphs: health };
  };
}
