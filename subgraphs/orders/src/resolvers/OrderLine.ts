import { money } from '@subgraphs/kit';
import type { OrderLineRow } from '../data/order-store';

// Lines are priced in the order's currency; product_prices guarantees one currency per order.
export const OrderLine = {
  lineNumber: (line: OrderLineRow) => line.line_number,
  product: (line: OrderLineRow) => ({ id: line.product_id }),
  unitPrice: (line: OrderLineRow) => money(line.unit_price_cents),
  lineTotal: (line: OrderLineRow) => money(line.unit_price_cents * line.quantity),
};
