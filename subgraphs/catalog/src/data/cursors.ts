import { decodeIntCursor, encodeCursor } from '@subgraphs/kit';
import type { ProductRow } from './product-store';

/** Catalog-order lists page by catalog position; search pages by offset into the ranking. */
export const productCursor = (row: ProductRow) => encodeCursor('product', [row.position]);
export const afterPosition = (after: string | null | undefined) => decodeIntCursor('product', after);

export const searchCursor = (offset: number) => encodeCursor('search', [offset]);
export const afterOffset = (after: string | null | undefined) => decodeIntCursor('search', after);
