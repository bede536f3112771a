import type { CartLine } from './cart';

const KEY = 'storefront.checkout';

/**
 * The idempotency key of this checkout: made once and kept (across double clicks,
 * retries and reloads) until the order is placed or the cart changes. The orders subgraph
 * places at most one order per key, so however often "Place order" is sent, one order is made.
 */
export function checkoutKey(lines: readonly CartLine[]): string {
  const contents = lines.map((l) => `${l.productId}x${l.quantity}`).join(',');
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as { key: string; contents: string } | null;
    if (stored && stored.contents === contents) return stored.key;
  } catch {
    // a damaged entry is replaced below
  }
  const key = randomKey();
  sessionStorage.setItem(KEY, JSON.stringify({ key, contents }));
  return key;
}

/**
 * A random version-4 UUID. Not `crypto.randomUUID()`: browsers offer it only on secure
 * origins, and a storefront opened at a LAN address over plain HTTP is not one.
 */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The order is placed: the next checkout is a new attempt with a new key. */
export function forgetCheckoutKey(): void {
  sessionStorage.removeItem(KEY);
}
