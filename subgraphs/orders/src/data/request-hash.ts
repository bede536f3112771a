import { createHash } from 'node:crypto';

/** Fingerprint of what an order request asked for, to tell a true retry from a reused key. */
export function requestHash(lines: readonly { productId: string; quantity: number }[]): string {
  const canonical = JSON.stringify(lines.map((line) => [line.productId, line.quantity]));
  return createHash('sha256').update(canonical).digest('hex');
}
