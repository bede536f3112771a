import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Carries a request's id from the client (or the BFF) to every service that works on it. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A caller's id is kept when it looks like an id (a load balancer's or the BFF's), so one
 * request can be followed across services; anything else, which could forge log lines or
 * blow up their size, is replaced.
 */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const given = headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
}
