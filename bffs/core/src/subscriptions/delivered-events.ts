import { ErrorCode, rejection, type Rejection } from '@bff/platform';
import type { SubscriptionTicket } from './open-subscriptions';

/**
 * What a client receives of one subscription, whatever the transport: each event as the
 * executor wrote it, once the caller is found still allowed to see it at that moment (the
 * current supergraph's `@authenticated` / `@requiresScopes`, the token not expired); a
 * refusal or an expired token ends the subscription with one error event. The ticket's slot
 * is given back when it ends.
 */
export async function* deliveredEvents(events: AsyncIterable<string>, ticket: SubscriptionTicket, stillAllowed: () => Rejection | undefined, delivered: () => void = () => undefined): AsyncGenerator<string> {
  const iterator = events[Symbol.asyncIterator]();
  try {
    for (;;) {
      const { done, value } = await iterator.next();
      if (done) break;
      const denied = ticket.reason() === 'expired' ? undefined : stillAllowed();
      if (denied) {
        yield errorEvent(denied);
        return;
      }
      if (ticket.reason() === 'expired') break;
      delivered();
      yield value;
    }
    if (ticket.reason() === 'expired') yield errorEvent(rejection(401, ErrorCode.UNAUTHENTICATED, 'The token has expired; subscribe again with a new one.'));
  } finally {
    ticket.close();
    await iterator.return?.();
  }
}

/** A refusal as an event's reply: its message and code (and details), no data. */
export function errorEvent(refusal: Rejection): string {
  return JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code, ...refusal.details } }] });
}
