import { badUserInput, bulkInsert, type Queryable, type RequestDatabase, type Transaction } from '@bff/platform';

export const MAX_RESERVATION_LINES = 100;
const RESERVATION_ID = /^[A-Za-z0-9._:-]{1,200}$/;

export interface ReservationLine {
  productId: string;
  quantity: number;
}

/** A line that asks for more than is available; `line` is its index in the request. */
export interface Shortage {
  line: number;
  productId: string;
  requested: number;
  available: number;
}

export type ReservationOutcome =
  | { status: 'RESERVED' | 'RELEASED' | 'LINES_MISMATCH' | 'NOT_FOUND' }
  | { status: 'INSUFFICIENT_STOCK'; shortages: Shortage[] };

/** Input checks that need no database; each error names the offending argument. */
export function validateReservation(reservationId: string, lines: readonly ReservationLine[]): void {
  if (!RESERVATION_ID.test(reservationId)) {
    throw badUserInput('reservationId', 'reservationId must be 1–200 characters of letters, digits, ".", "_", ":" or "-".');
  }
  if (lines.length === 0 || lines.length > MAX_RESERVATION_LINES) {
    throw badUserInput('lines', `lines must hold 1 to ${MAX_RESERVATION_LINES} lines, got ${lines.length}.`);
  }
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) {
      throw badUserInput(`lines[${i}].quantity`, `lines[${i}].quantity must be a positive integer, got ${line.quantity}.`);
    }
    // One row per product keeps the conditional update simple: each row is checked against its whole demand.
    if (seen.has(line.productId)) throw badUserInput(`lines[${i}].productId`, `lines[${i}].productId repeats product "${line.productId}".`);
    seen.add(line.productId);
  });
}

/** Thrown inside the transaction so that the reservation row it created rolls back with it. */
class Refused extends Error {
  constructor(readonly shortages: Shortage[]) {
    super('insufficient stock');
  }
}

/**
 * Holds stock for every line under `reservationId`, all or nothing, in one transaction.
 *
 * The reservation row is inserted first: a concurrent call with the same id waits on it at
 * the primary key and then finds the outcome instead of taking stock a second time. A call
 * for an id that already holds the same lines returns RESERVED and changes nothing; one that
 * holds other lines gets LINES_MISMATCH. A RELEASED reservation may be taken again (the caller
 * gave it up after a failure and is now retrying).
 */
export async function reserveStock(db: RequestDatabase, reservationId: string, lines: readonly ReservationLine[]): Promise<ReservationOutcome> {
  validateReservation(reservationId, lines);
  try {
    return await db.transaction(async (tx) => {
      const now = new Date();
      const { rows: created } = await tx.query(
        `INSERT INTO stock_reservations (id, status, reserved_at) VALUES ($1, 'RESERVED', $2)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [reservationId, now],
      );
      if (created.length === 0) {
        const { rows } = await tx.query<{ status: 'RESERVED' | 'RELEASED' }>(
          'SELECT status FROM stock_reservations WHERE id = $1 FOR UPDATE',
          [reservationId],
        );
        if (rows[0]!.status === 'RESERVED') {
          return { status: sameLines(await linesOf(tx, reservationId), lines) ? 'RESERVED' : 'LINES_MISMATCH' };
        }
        await tx.query('DELETE FROM stock_reservation_lines WHERE reservation_id = $1', [reservationId]);
        await tx.query(`UPDATE stock_reservations SET status = 'RESERVED', reserved_at = $2, released_at = NULL WHERE id = $1`, [reservationId, now]);
      }
      const shortages = await takeStock(tx, lines);
      if (shortages.length > 0) throw new Refused(shortages);
      await bulkInsert(
        tx,
        'stock_reservation_lines',
        ['reservation_id', 'line_number', 'product_id', 'quantity'],
        lines.map((line, i) => [reservationId, i, line.productId, line.quantity]),
      );
      return { status: 'RESERVED' };
    });
  } catch (error) {
    if (error instanceof Refused) return { status: 'INSUFFICIENT_STOCK', shortages: error.shortages };
    throw error;
  }
}

/**
 * Gives a reservation's stock back. Only the RESERVED → RELEASED transition touches stock,
 * and it happens under the reservation's row lock, so releasing twice (or concurrently)
 * returns the units once.
 */
export async function releaseStock(db: RequestDatabase, reservationId: string): Promise<ReservationOutcome> {
  if (!RESERVATION_ID.test(reservationId)) return { status: 'NOT_FOUND' };
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: 'RESERVED' | 'RELEASED' }>(
      'SELECT status FROM stock_reservations WHERE id = $1 FOR UPDATE',
      [reservationId],
    );
    if (!rows[0]) return { status: 'NOT_FOUND' };
    if (rows[0].status === 'RELEASED') return { status: 'RELEASED' };
    const lines = await linesOf(tx, reservationId);
    await lockStockRows(tx, lines.map((line) => line.productId));
    await tx.query(
      `UPDATE stock s SET reserved = s.reserved - r.quantity
         FROM unnest($1::text[], $2::int[]) AS r (product_id, quantity)
        WHERE s.product_id = r.product_id`,
      [lines.map((line) => line.productId), lines.map((line) => line.quantity)],
    );
    await tx.query(`UPDATE stock_reservations SET status = 'RELEASED', released_at = $2 WHERE id = $1`, [reservationId, new Date()]);
    return { status: 'RELEASED' };
  });
}

/**
 * Locks the stock rows of `productIds` in product order and moves the requested units into
 * `reserved`, unless a line asks for more than is available (then nothing moves and the
 * shortages are returned). Every transaction locks stock rows in the same order, so two
 * reservations sharing products queue behind each other instead of deadlocking.
 */
async function takeStock(tx: Transaction, lines: readonly ReservationLine[]): Promise<Shortage[]> {
  const productIds = lines.map((line) => line.productId);
  const rows = await lockStockRows(tx, productIds);
  const available = new Map(rows.map((row) => [row.product_id, row.on_hand - row.reserved]));
  const shortages = lines.flatMap((line, i) => {
    const units = available.get(line.productId) ?? 0;
    return units < line.quantity ? [{ line: i, productId: line.productId, requested: line.quantity, available: units }] : [];
  });
  if (shortages.length > 0) return shortages;
  // Conditional as well as locked: should anything ever touch stock without the lock, the
  // update still cannot take more than is available (and the CHECK on the table backs it up).
  const { rows: taken } = await tx.query(
    `UPDATE stock s SET reserved = s.reserved + r.quantity
       FROM unnest($1::text[], $2::int[]) AS r (product_id, quantity)
      WHERE s.product_id = r.product_id AND s.on_hand - s.reserved >= r.quantity
      RETURNING s.product_id`,
    [productIds, lines.map((line) => line.quantity)],
  );
  if (taken.length !== lines.length) throw new Error(`stock of reservation lines changed under a row lock (${taken.length} of ${lines.length} taken)`);
  return [];
}

interface LockedStock {
  product_id: string;
  on_hand: number;
  reserved: number;
}

/** `SELECT … FOR UPDATE` of these products' stock rows, locked one after another in product order. */
async function lockStockRows(tx: Transaction, productIds: readonly string[]): Promise<LockedStock[]> {
  const { rows } = await tx.query<LockedStock>(
    'SELECT product_id, on_hand, reserved FROM stock WHERE product_id = ANY($1::text[]) ORDER BY product_id FOR UPDATE',
    [productIds],
  );
  return rows;
}

async function linesOf(tx: Transaction, reservationId: string): Promise<ReservationLine[]> {
  const { rows } = await tx.query<{ product_id: string; quantity: number }>(
    'SELECT product_id, quantity FROM stock_reservation_lines WHERE reservation_id = $1 ORDER BY line_number',
    [reservationId],
  );
  return rows.map((row) => ({ productId: row.product_id, quantity: row.quantity }));
}

function sameLines(a: readonly ReservationLine[], b: readonly ReservationLine[]): boolean {
  return a.length === b.length && a.every((line, i) => line.productId === b[i]!.productId && line.quantity === b[i]!.quantity);
}

/** The products a reservation holds (or held) stock of. */
export async function reservedProductIds(db: Queryable, reservationId: string): Promise<string[]> {
  const { rows } = await db.query<{ product_id: string }>('SELECT product_id FROM stock_reservation_lines WHERE reservation_id = $1 ORDER BY line_number', [reservationId]);
  return rows.map((row) => row.product_id);
}
