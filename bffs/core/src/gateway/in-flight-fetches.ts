/**
 * In-flight deduplication of identical subgraph fetches: while one fetch is on its way,
 * an identical one (same subgraph, query, variables and forwarded identity) waits for the
 * same answer instead of asking again. A burst of clients opening the same screen costs
 * the subgraph one request. Entries live only while the fetch is in flight: this is not
 * a cache, an answer is never reused after it arrived.
 */
export class InFlightFetches<T> {
  private readonly pending = new Map<string, Promise<T>>();
  private joinedCount = 0;

  run(key: string, start: () => Promise<T>): Promise<T> {
    const existing = this.pending.get(key);
    if (existing) {
      this.joinedCount += 1;
      return existing;
    }
    const started = start().finally(() => this.pending.delete(key));
    this.pending.set(key, started);
    return started;
  }

  /** Fetches that were answered by another's reply (for tests and metrics). */
  joined(): number {
    return this.joinedCount;
  }
}
