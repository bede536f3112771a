import type { SubgraphFetchPolicy } from '@bff/formats';
import { CircuitBreaker, type CircuitState } from './circuit-breaker';

/**
 * One circuit breaker per subgraph name, for the life of the BFF: a supergraph swap builds
 * new data sources, but a subgraph that was failing before the swap is failing after it.
 */
export class SubgraphBreakers {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly policy: Pick<SubgraphFetchPolicy, 'breakerFailureThreshold' | 'breakerOpenMs'>,
    private readonly now?: () => number,
  ) {}

  for(subgraph: string): CircuitBreaker {
    let breaker = this.breakers.get(subgraph);
    if (!breaker) {
      breaker = new CircuitBreaker({ failureThreshold: this.policy.breakerFailureThreshold, openMs: this.policy.breakerOpenMs, now: this.now });
      this.breakers.set(subgraph, breaker);
    }
    return breaker;
  }

  /** Each subgraph's circuit, for the readiness report. */
  states(subgraphs: readonly string[]): Record<string, CircuitState> {
    return Object.fromEntries(subgraphs.map((name) => [name, this.for(name).state]));
  }
}
