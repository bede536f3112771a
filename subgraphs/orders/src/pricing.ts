import { quoteShipping, type ShippingClass } from '@subgraphs/kit';

/** A line as it is priced: units, the price charged per unit, and what shipping needs. */
export interface PricedLine {
  quantity: number;
  unitPriceCents: number;
  weightGrams: number;
  shippingClass: ShippingClass;
}

/** Subtotal and shipping of an order; shipping is the shared rule applied to the whole parcel. */
export function priceOrder(lines: readonly PricedLine[]): { subtotalCents: number; shippingCents: number } {
  const subtotalCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  const { costCents } = quoteShipping({
    weightGrams: lines.reduce((sum, line) => sum + line.quantity * line.weightGrams, 0),
    valueCents: subtotalCents,
    classes: lines.map((line) => line.shippingClass),
  });
  return { subtotalCents, shippingCents: costCents };
}
