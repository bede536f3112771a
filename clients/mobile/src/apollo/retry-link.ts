import { RetryLink } from '@apollo/client/link/retry';
import { isConnectionFailure } from './error-codes';

/**
 * Sends an idempotent mutation (`context.idempotent`: it carries an idempotency key) again
 * after a dropped connection or a 5xx, unchanged: the server answers a key it has seen with
 * the order that key placed, so a retry never orders twice. Nothing else is retried here:
 * a mutation without a key could be applied twice, and a query's screen offers a Retry
 * button instead of keeping the user waiting.
 */
export function idempotentRetryLink(): RetryLink {
  return new RetryLink({
    delay: { initial: 400, max: 4000, jitter: true },
    attempts: { max: 4, retryIf: (error, operation) => operation.getContext().idempotent === true && isConnectionFailure(error) },
  });
}
