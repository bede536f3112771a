import { money } from '@bff/formats';
import type { OrderLineRow } from '../data/order-store';

export const OrderLine = {
  lineNumber: (line: OrderLineRow) => line.line_number,
  product: (line: OrderLineRow) => ({ id: line.product_id }),
  unitPrice: (line: OrderLineRow) => money(line.unit_price_cents, line.currency),
  lineTotal: (line: OrderLineRow) => money(line.unit_price_cents * line.quantity, line.currency),
};
