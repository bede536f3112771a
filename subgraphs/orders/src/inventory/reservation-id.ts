import { createHash } from 'node:crypto';

/**
 * The inventory reservation of one order attempt, derived from who placed it and their
 * idempotency key: every retry of the attempt, concurrent or not, names the same reservation,
 * so inventory holds the stock once however often the attempt is sent. Hashed, so neither the
 * user nor the key is shown to inventory and any key fits inventory's id alphabet.
 */
export function reservationIdFor(userId: string, idempotencyKey: string): string {
  return `orders:${createHash('sha256').update(JSON.stringify([userId, idempotencyKey])).digest('hex')}`;
}
