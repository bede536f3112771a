import type { IncomingMessage } from 'node:http';
import { ErrorCode, firstHeaderValue, rejection, type Rejection } from '@bff/platform';
import type { RateLimitPolicy } from '@bff/formats';
import type { VerifiedUser } from '../auth/authenticator';
import { CLIENT_NAME_HEADER, CLIENT_VERSION_HEADER } from '../server/context';
import { callerAddress, trustedProxies } from './caller-address';
import type { Bucket, TokenBuckets } from './token-buckets';

/** Response headers that tell a well-behaved client its budget (the tightest of its buckets). */
export const RATE_LIMIT_HEADERS = { limit: 'ratelimit-limit', remaining: 'ratelimit-remaining', reset: 'ratelimit-reset' } as const;

export interface RateLimiter {
  /**
   * Charges one request's estimated cost (what the gate computed, at least 1) to the caller's
   * budget (a signed-in user's, or an anonymous caller's address's) and to its app's (client
   * name and version): the refusal (429 RATE_LIMITED), or the headers that say what is left.
   */
  charge(caller: VerifiedUser | null, req: IncomingMessage, cost: number): Promise<{ headers: Record<string, string> } | Rejection>;
}

/**
 * A client's rate limits (its policy's `rateLimits`), charged by cost rather than by request
 * count: a page that asks for a thousand reviews spends what a thousand reviews cost.
 */
export function createRateLimiter(policy: RateLimitPolicy, clientName: string, buckets: TokenBuckets): RateLimiter {
  const trusted = trustedProxies(policy.trustedProxies);
  return {
    charge: async (caller, req, cost) => {
      const app = `${bounded(firstHeaderValue(req.headers[CLIENT_NAME_HEADER]) ?? clientName)}@${bounded(firstHeaderValue(req.headers[CLIENT_VERSION_HEADER]) ?? 'unknown')}`;
      const who: Bucket & { kind: string } = caller
        ? { kind: 'user', key: `${clientName}:user:${caller.id}`, capacity: policy.userPerMinute }
        : { kind: 'anonymous', key: `${clientName}:address:${callerAddress(req, trusted)}`, capacity: policy.anonymousPerMinute };
      const wanted = [who, { kind: 'app', key: `${clientName}:app:${app}`, capacity: policy.appPerMinute }];
      const price = Math.max(1, Math.ceil(cost));
      const charged = await buckets.charge(wanted, price);
      // The tightest bucket speaks for the budget: the one with the least left.
      const tightest = charged.remaining.reduce((best, left, i) => (left < charged.remaining[best]! ? i : best), 0);
      const bucket = wanted[tightest]!;
      const left = Math.max(0, charged.remaining[tightest]!);
      const headers = {
        [RATE_LIMIT_HEADERS.limit]: String(bucket.capacity),
        [RATE_LIMIT_HEADERS.remaining]: String(left),
        [RATE_LIMIT_HEADERS.reset]: String(Math.ceil(((bucket.capacity - left) / bucket.capacity) * 60)),
      };
      if (charged.allowed) return { headers };
      const retryAfterSeconds = Math.max(1, Math.ceil(charged.retryAfterMs / 1000));
      const short = wanted.find((b, i) => charged.remaining[i]! < Math.min(price, b.capacity)) ?? bucket;
      return rejection(429, ErrorCode.RATE_LIMITED, `Rate limit reached: this ${short.kind === 'app' ? 'app version' : short.kind === 'user' ? 'user' : 'address'} may spend ${short.capacity} cost units a minute, and this operation costs ${price}. Retry in ${retryAfterSeconds} s.`, {
        headers: { ...headers, 'retry-after': String(retryAfterSeconds) },
        details: { budget: short.kind, limit: short.capacity, remaining: left, cost: price, retryAfterSeconds },
      });
    },
  };
}

/** Header values in a bucket's key: short, and nothing that could split a key. */
function bounded(value: string): string {
  return value.replace(/[^\w.@-]/g, '_').slice(0, 64);
}
