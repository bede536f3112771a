import { decodeInstantCursor, encodeInstantCursor } from '@subgraphs/kit';
import type { OrderRow } from './order-store';

/** Order lists are newest first; a cursor is the (placedAt, id) of the last order seen. */
export const orderCursor = (row: OrderRow) => encodeInstantCursor('order', row.placed_at, row.id);
export const afterOrder = (after: string | null | undefined) => decodeInstantCursor('order', after);
