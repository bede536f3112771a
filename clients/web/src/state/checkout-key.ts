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
  const key = crypto.randomUUID();
  sessionStorage.setItem(KEY, JSON.stringify({ key, contents }));
  return key;
}

/** The order is placed: the next checkout is a new attempt with a new key. */
export function forgetCheckoutKey(): void {
  sessionStorage.removeItem(KEY);
}
