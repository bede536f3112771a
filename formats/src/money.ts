/**
 * `Money` is a @shareable value type: every subgraph that returns it must resolve it the
 * same way, so its shape and formatting live here once. Amounts are integer minor units
 * (cents), never floats.
 */
export interface Money {
  amountCents: number;
  currency: string;
  formatted: string;
}

const formatters = new Map<string, Intl.NumberFormat>();

export function money(amountCents: number, currency = 'USD'): Money {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formatters.set(currency, formatter);
  }
  return { amountCents, currency, formatted: formatter.format(amountCents / 100) };
}
