export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before it lets one trial call through. */
  openMs: number;
  /** @default Date.now (tests pass their own clock) */
  now?: () => number;
}

/**
 * One subgraph's circuit. Closed: calls go through, consecutive failures are counted.
 * Open: calls are refused at once, so a dead or drowning subgraph costs the BFF nothing
 * and gets room to recover. After `openMs`, half-open: exactly one trial call goes through;
 * its success closes the circuit, its failure opens it for another `openMs`.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    if (!(options.failureThreshold >= 1)) throw new Error('failureThreshold must be at least 1');
    if (!(options.openMs > 0)) throw new Error('openMs must be positive');
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.openMs ? 'half-open' : 'open';
  }

  /**
   * Asks to make a call. True means go ahead, and report the outcome with `succeeded()` or
   * `failed()` (or `abandoned()` when the call ended with neither, e.g. a bad request).
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
  }

  failed(): void {
    this.trialInFlight = false;
    this.consecutiveFailures += 1;
    // A failed trial reopens at once; a closed circuit opens at the threshold.
    if (this.openedAt !== undefined || this.consecutiveFailures >= this.options.failureThreshold) this.openedAt = this.now();
  }

  /** The call proved nothing about the subgraph's health; a trial slot is freed. */
  abandoned(): void {
    this.trialInFlight = false;
  }
}
