/** A fetch refused because its subgraph's bulkhead is full and its queue too (or the wait ran out). */
export class OverloadedError extends Error {
  override name = 'OverloadedError';
  constructor(
    readonly subgraph: string,
    /** How long the caller should wait before trying again, in seconds. */
    readonly retryAfterSeconds: number,
  ) {
    super(`Too many requests to ${subgraph} are in flight from this BFF; try again shortly.`);
  }
}

export interface BulkheadLimits {
  /** Fetches in flight at once. */
  maxInFlight: number;
  /** Fetches that may wait for a slot; more are refused at once. */
  maxQueued: number;
  /** How long a fetch waits for a slot before it is refused. */
  maxQueueWaitMs: number;
}

/**
 * A cap on one BFF's fetches in flight to one subgraph: past the cap a fetch waits its turn in
 * a short, bounded queue, and past the queue it is refused (OverloadedError). Why: both BFFs
 * share the subgraphs, so a flood through one client's BFF must be turned away at that BFF
 * before it saturates a subgraph the other client needs.
 */
export class Bulkhead {
  private inFlight = 0;
  private readonly waiting: { grant: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    private readonly subgraph: string,
    private readonly limits: BulkheadLimits,
  ) {}

  /** Fetches in flight and waiting now (for metrics and tests). */
  load(): { inFlight: number; queued: number } {
    return { inFlight: this.inFlight, queued: this.waiting.length };
  }

  /** A slot, released by calling the function it resolves with; or OverloadedError. */
  async acquire(): Promise<() => void> {
    if (this.inFlight < this.limits.maxInFlight && this.waiting.length === 0) return this.take();
    if (this.waiting.length >= this.limits.maxQueued) throw this.refusal();
    return new Promise<() => void>((resolve, reject) => {
      const entry = {
        grant: () => {
          clearTimeout(entry.timer);
          resolve(this.take());
        },
        timer: setTimeout(() => {
          const index = this.waiting.indexOf(entry);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(this.refusal());
        }, this.limits.maxQueueWaitMs),
      };
      this.waiting.push(entry);
    });
  }

  private take(): () => void {
    this.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      // The slot goes straight to the longest waiter, so a queue never waits behind newcomers.
      const next = this.waiting.shift();
      if (next) next.grant();
    };
  }

  private refusal(): OverloadedError {
    return new OverloadedError(this.subgraph, Math.max(1, Math.ceil(this.limits.maxQueueWaitMs / 1000)));
  }
}

/** One bulkhead per subgraph name, for the life of the gateway (a supergraph swap keeps the fetches it has in flight counted). */
export class SubgraphBulkheads {
  private readonly bulkheads = new Map<string, Bulkhead>();

  constructor(private readonly limits: BulkheadLimits) {}

  for(subgraph: string): Bulkhead {
    let bulkhead = this.bulkheads.get(subgraph);
    if (!bulkhead) this.bulkheads.set(subgraph, (bulkhead = new Bulkhead(subgraph, this.limits)));
    return bulkhead;
  }
}
