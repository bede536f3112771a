/**
 * Shipping rules, in one place because two subgraphs apply them: inventory quotes them
 * per product (`Product.shippingEstimate`), orders charges them per order. A one-item
 * order is charged exactly what its product page quoted.
 */
export type ShippingClass = 'STANDARD' | 'BULKY' | 'FRAGILE';

export const FREE_SHIPPING_FROM_CENTS = 5000;
const BASE_CENTS = 499;
const PER_EXTRA_KG_CENTS = 100;
const SURCHARGE_CENTS: Record<ShippingClass, number> = { STANDARD: 0, BULKY: 1500, FRAGILE: 300 };
const DAYS: Record<ShippingClass, readonly [number, number]> = { STANDARD: [2, 4], BULKY: [5, 8], FRAGILE: [3, 5] };
/** A parcel is handled as its most demanding item. */
const DEMAND: readonly ShippingClass[] = ['STANDARD', 'FRAGILE', 'BULKY'];

export interface Parcel {
  weightGrams: number;
  /** Value of the goods, in minor units. */
  valueCents: number;
  /** Handling classes of the items in it. */
  classes: readonly ShippingClass[];
}

export interface ShippingQuote {
  costCents: number;
  freeShipping: boolean;
  handling: ShippingClass;
  minDays: number;
  maxDays: number;
}

export function quoteShipping(parcel: Parcel): ShippingQuote {
  const handling = parcel.classes.reduce<ShippingClass>(
    (worst, c) => (DEMAND.indexOf(c) > DEMAND.indexOf(worst) ? c : worst),
    'STANDARD',
  );
  // Bulky goods never ship free: the carrier charges us for them whatever their value.
  const freeShipping = handling !== 'BULKY' && parcel.valueCents >= FREE_SHIPPING_FROM_CENTS;
  const extraKg = Math.max(0, Math.ceil(parcel.weightGrams / 1000) - 1);
  const [minDays, maxDays] = DAYS[handling];
  return {
    costCents: freeShipping ? 0 : BASE_CENTS + extraKg * PER_EXTRA_KG_CENTS + SURCHARGE_CENTS[handling],
    freeShipping,
    handling,
    minDays,
    maxDays,
  };
}

export function isShippingClass(value: unknown): value is ShippingClass {
  return value === 'STANDARD' || value === 'BULKY' || value === 'FRAGILE';
}
