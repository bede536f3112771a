import { money, type Money } from '@bff/formats';
import { quoteShipping, type ShippingClass } from '@subgraphs/kit';
import type { StockRow } from '../data/stock-store';

const DAY = 86_400_000;
/** Days to wait for an out-of-stock product whose restock date is unknown. */
const UNKNOWN_RESTOCK_DAYS = 7;

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

/** One unit of the product as a parcel (the rule orders charges), delayed until restock if needed. */
export function estimateShipping(input: ShippingInput, stock: StockRow | null, now: Date = new Date()): ShippingEstimate {
  const quote = quoteShipping({ weightGrams: input.weightGrams, valueCents: input.price.amountCents, classes: [input.shippingClass] });
  const waitDays =
    stock && stock.on_hand - stock.reserved > 0
      ? 0
      : stock?.restock_date
        ? Math.max(0, Math.ceil((stock.restock_date.getTime() - now.getTime()) / DAY))
        : UNKNOWN_RESTOCK_DAYS;
  const minDays = quote.minDays + waitDays;
  const maxDays = quote.maxDays + waitDays;
  const cost = money(quote.costCents, input.price.currency);
  return {
    minDays,
    maxDays,
    cost,
    freeShipping: quote.freeShipping,
    label: `${quote.freeShipping ? 'Free delivery' : `Delivery ${cost.formatted}`} in ${minDays}–${maxDays} days`,
  };
}
