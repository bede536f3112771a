import { money, type Money } from '@subgraphs/kit';
import type { StockRow } from '../data/stock-store';

/** Shipping rules. Pure, so they are tested without a database. */
export const FREE_SHIPPING_FROM_CENTS = 5000;
const BASE_CENTS = 499;
const PER_EXTRA_KG_CENTS = 100;
const SURCHARGE_CENTS = { STANDARD: 0, BULKY: 1500, FRAGILE: 300 } as const;
const DAYS = { STANDARD: [2, 4], BULKY: [5, 8], FRAGILE: [3, 5] } as const;
const DAY = 86_400_000;

export type ShippingClass = keyof typeof SURCHARGE_CENTS;

export interface ShippingInput {
  weightGrams: number;
  price: Pick<Money, 'amountCents' | 'currency'>;
  shippingClass: ShippingClass;
}

export interface ShippingEstimate {
  minDays: number;
  maxDays: number;
  cost: Money;
  freeShipping: boolean;
  label: string;
}

export function estimateShipping(input: ShippingInput, stock: StockRow | null, now: Date = new Date()): ShippingEstimate {
  const [minBase, maxBase] = DAYS[input.shippingClass] ?? DAYS.STANDARD;
  // Out of stock: it ships once restocked (a week if no date is known).
  const waitDays = stock && stock.on_hand - stock.reserved > 0
    ? 0
    : stock?.restock_date
      ? Math.max(0, Math.ceil((stock.restock_date.getTime() - now.getTime()) / DAY))
      : 7;
  const freeShipping = input.shippingClass !== 'BULKY' && input.price.amountCents >= FREE_SHIPPING_FROM_CENTS;
  const extraKg = Math.max(0, Math.ceil(input.weightGrams / 1000) - 1);
  const costCents = freeShipping ? 0 : BASE_CENTS + extraKg * PER_EXTRA_KG_CENTS + (SURCHARGE_CENTS[input.shippingClass] ?? 0);
  const minDays = minBase + waitDays;
  const maxDays = maxBase + waitDays;
  const cost = money(costCents, input.price.currency);
  return {
    minDays,
    maxDays,
    cost,
    freeShipping,
    label: `${freeShipping ? 'Free delivery' : `Delivery ${cost.formatted}`} in ${minDays}–${maxDays} days`,
  };
}
