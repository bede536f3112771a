/** How an order is priced. Pure, so the rules are tested without a database. */
export const FREE_SHIPPING_FROM_CENTS = 5000;
export const FLAT_SHIPPING_CENTS = 499;

export interface PricedLine {
  quantity: number;
  unitPriceCents: number;
}

export function priceOrder(lines: readonly PricedLine[]): { subtotalCents: number; shippingCents: number } {
  const subtotalCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  return { subtotalCents, shippingCents: subtotalCents >= FREE_SHIPPING_FROM_CENTS ? 0 : FLAT_SHIPPING_CENTS };
}
