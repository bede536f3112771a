import type { IncomingMessage } from 'node:http';
import { CLIENT_NAME_HEADER, ErrorCode, firstHeaderValue, rejection, type Rejection } from '@bff/platform';

/** A client that has not called for this long no longer holds a share. */
const ACTIVE_WINDOW_MS = 60_000;

/**
 * A subgraph's admission of requests per calling client (the BFFs name theirs in
 * `apollographql-client-name`): the subgraph's concurrency is divided evenly among the clients
 * that have called it in the last minute, and a client past its share is refused at once with
 * 503 OVERLOADED (its BFF reports the fields as unavailable) while the others keep theirs. A
 * client alone gets all of it. Why: a flood through one BFF must not take the concurrency the
 * other BFF's requests need.
 *
 * Returns, for each request, the function that gives its slot back, or the refusal.
 */
export function fairShareAdmission(maxConcurrent: number, now: () => number = Date.now): (req: IncomingMessage) => (() => void) | Rejection {
  const inFlight = new Map<string, number>();
  const lastSeen = new Map<string, number>();
  return (req) => {
    const client = (firstHeaderValue(req.headers[CLIENT_NAME_HEADER]) ?? 'unknown').slice(0, 64);
    const at = now();
    lastSeen.set(client, at);
    let active = 0;
    for (const [name, seen] of lastSeen) {
      if (at - seen <= ACTIVE_WINDOW_MS) active += 1;
      else if (!inFlight.get(name)) lastSeen.delete(name);
    }
    const share = Math.max(1, Math.floor(maxConcurrent / active));
    const holding = inFlight.get(client) ?? 0;
    if (holding >= share) {
      return rejection(503, ErrorCode.OVERLOADED, `This subgraph is at its share of concurrency for client "${client}" (${share} of ${maxConcurrent}); try again shortly.`, {
        headers: { 'retry-after': '1' },
        details: { limit: share },
      });
    }
    inFlight.set(client, holding + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (inFlight.get(client) ?? 1) - 1;
      if (left > 0) inFlight.set(client, left);
      else inFlight.delete(client);
    };
  };
}
