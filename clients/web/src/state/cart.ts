import { useSyncExternalStore } from 'react';

/** One product in the cart, with what the shopper saw when adding it. */
export interface CartLine {
  productId: string;
  sku: string;
  name: string;
  unitPriceCents: number;
  currency: string;
  quantity: number;
}

/** The API takes 1 to 100 units per line. */
export const MAX_QUANTITY = 100;
const KEY = 'storefront.cart';
const listeners = new Set<() => void>();
let lines: readonly CartLine[] = load();

function load(): CartLine[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as CartLine[]).filter((l) => typeof l.productId === 'string' && l.quantity > 0) : [];
  } catch {
    return [];
  }
}

function save(next: readonly CartLine[]): void {
  lines = next;
  // Local storage: the cart survives a reload and a closed tab, as shoppers expect.
  localStorage.setItem(KEY, JSON.stringify(next));
  listeners.forEach((notify) => notify());
}

const clamp = (quantity: number) => Math.max(1, Math.min(MAX_QUANTITY, Math.floor(quantity)));

export const cart = {
  lines: (): readonly CartLine[] => lines,
  add(line: Omit<CartLine, 'quantity'>, quantity = 1): void {
    const existing = lines.find((l) => l.productId === line.productId);
    save(existing ? lines.map((l) => (l === existing ? { ...l, quantity: clamp(l.quantity + quantity) } : l)) : [...lines, { ...line, quantity: clamp(quantity) }]);
  },
  setQuantity(productId: string, quantity: number): void {
    save(lines.map((l) => (l.productId === productId ? { ...l, quantity: clamp(quantity) } : l)));
  },
  remove(productId: string): void {
    save(lines.filter((l) => l.productId !== productId));
  },
  clear(): void {
    save([]);
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

// Another tab changed the cart: follow it.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY) return;
  lines = load();
  listeners.forEach((notify) => notify());
});

export function useCart(): readonly CartLine[] {
  return useSyncExternalStore(cart.subscribe, cart.lines);
}

export function formatCents(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
}
