import { badUserInput, decodeCursor, encodeCursor } from '@subgraphs/kit';
import type { OrderPosition, OrderRow } from './order-store';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Order lists are newest first; a cursor is the (placedAt, id) of the last order seen. */
export const orderCursor = (row: OrderRow) => encodeCursor('order', [row.placed_at.toISOString(), row.id]);

export function afterOrder(after: string | null | undefined): OrderPosition | null {
  if (after === null || after === undefined) return null;
  const [placedAt, id] = decodeCursor('order', after, 2);
  if (!ISO_INSTANT.test(placedAt!) || Number.isNaN(Date.parse(placedAt!))) {
    throw badUserInput('after', 'Argument "after" is not a valid cursor for this list; use a cursor this list returned.');
  }
  return { placedAt: placedAt!, id: id! };
}
