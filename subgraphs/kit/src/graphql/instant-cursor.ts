import { badUserInput } from '@bff/platform';
import { decodeCursor, encodeCursor } from './pagination';

/**
 * Cursors for newest-first lists (reviews, orders): the (instant, id) of the last row
 * seen. Instants are carried with millisecond precision, so rows must be written with
 * millisecond timestamps (JavaScript `Date`s are).
 */
export interface InstantPosition {
  /** ISO-8601 instant, e.g. `2026-01-01T12:00:00.000Z`. */
  at: string;
  id: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeInstantCursor(kind: string, at: Date, id: string): string {
  return encodeCursor(kind, [at.toISOString(), id]);
}

/** The position after which the page starts, null for the first page; BAD_USER_INPUT if malformed. */
export function decodeInstantCursor(kind: string, cursor: string | null | undefined, argument = 'after'): InstantPosition | null {
  if (cursor === null || cursor === undefined) return null;
  const [at, id] = decodeCursor(kind, cursor, 2, argument);
  // Round-trip through Date: rejects impossible dates (Feb 30) that PostgreSQL would refuse.
  const date = new Date(at!);
  const valid = ISO_INSTANT.test(at!) && !Number.isNaN(date.getTime()) && date.toISOString() === at && date.getUTCFullYear() >= 1970;
  if (!valid) {
    throw badUserInput(argument, `Argument "${argument}" is not a valid cursor for this list; use a cursor this list returned.`);
  }
  return { at: at!, id: id! };
}
