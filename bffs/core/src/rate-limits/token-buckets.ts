/** One bucket to charge: its key and its size. Tokens refill continuously, `capacity` per minute. */
export interface Bucket {
  key: string;
  /** Tokens a full bucket holds: also what it refills per minute. */
  capacity: number;
}

/** What charging some buckets came to. */
export interface Charge {
  allowed: boolean;
  /** Tokens left in each bucket, in the order given (after the charge, when allowed). */
  remaining: number[];
  /** When refused: how long until every bucket could pay, in ms. */
  retryAfterMs: number;
}

/** Charges `cost` to every bucket or to none: a request is let through only if all of them can pay. */
export interface TokenBuckets {
  charge(buckets: readonly Bucket[], cost: number): Promise<Charge>;
}

const MS_PER_MINUTE = 60_000;

/**
 * Token buckets in this process's memory: what a BFF without Redis uses, and what one with
 * Redis falls back to while Redis cannot answer. Idle buckets are forgotten once full again.
 */
export function memoryTokenBuckets(now: () => number = Date.now): TokenBuckets {
  const buckets = new Map<string, { tokens: number; updatedAt: number; fullAt: number }>();
  let sweptAt = now();
  return {
    charge: async (wanted, cost) => {
      const at = now();
      if (at - sweptAt > MS_PER_MINUTE) {
        for (const [key, bucket] of buckets) if (bucket.fullAt <= at) buckets.delete(key);
        sweptAt = at;
      }
      const states = wanted.map(({ key, capacity }) => {
        const bucket = buckets.get(key);
        const perMs = capacity / MS_PER_MINUTE;
        const tokens = bucket ? Math.min(capacity, bucket.tokens + (at - bucket.updatedAt) * perMs) : capacity;
        // An operation dearer than a whole bucket costs a whole bucket: it can run, once in a while.
        return { key, capacity, perMs, tokens, price: Math.min(cost, capacity) };
      });
      const short = states.filter((s) => s.tokens < s.price);
      if (short.length > 0) {
        return { allowed: false, remaining: states.map((s) => Math.floor(s.tokens)), retryAfterMs: Math.max(...short.map((s) => (s.price - s.tokens) / s.perMs)) };
      }
      for (const s of states) {
        const tokens = s.tokens - s.price;
        buckets.set(s.key, { tokens, updatedAt: at, fullAt: at + (s.capacity - tokens) / s.perMs });
      }
      return { allowed: true, remaining: states.map((s) => Math.floor(s.tokens - s.price)), retryAfterMs: 0 };
    },
  };
}
