import type { Queryable } from '@bff/platform';

export interface StockRow {
  product_id: string;
  on_hand: number;
  reserved: number;
  warehouse: string;
  restock_date: Date | null;
}

export async function stockByProductIds(db: Queryable, productIds: readonly string[]): Promise<StockRow[]> {
  const { rows } = await db.query<StockRow>(
    'SELECT product_id, on_hand, reserved, warehouse, restock_date FROM stock WHERE product_id = ANY($1::text[])',
    [productIds],
  );
  return rows;
}
