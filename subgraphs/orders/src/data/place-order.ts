import { randomUUID } from 'node:crypto';
import { badUserInput, bulkInsert, conflict, type RequestDatabase, type Transaction } from '@bff/platform';
import type { InventoryClient } from '../inventory/inventory-client';
import { holdStock } from '../inventory/order-stock';
import { reservationIdFor } from '../inventory/reservation-id';
import { priceOrder } from '../pricing';
import { ORDER_COLUMNS, sellableProducts, type OrderRow } from './order-store';
import { requestHash } from './request-hash';

export const MAX_LINES = 50;
export const MAX_QUANTITY = 100;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,100}$/;

export interface PlaceOrderRequest {
  userId: string;
  idempotencyKey: string;
  lines: { productId: string; quantity: number }[];
}

/** Input checks that need no database; each error names the offending field. */
export function validatePlaceOrder(request: PlaceOrderRequest): void {
  if (!IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
    throw badUserInput(
      'input.idempotencyKey',
      'input.idempotencyKey must be 1–100 characters of letters, digits, ".", "_", ":" or "-".',
    );
  }
  if (request.lines.length === 0) throw badUserInput('input.lines', 'input.lines must contain at least one line; the order is empty.');
  if (request.lines.length > MAX_LINES) {
    throw badUserInput('input.lines', `input.lines may contain at most ${MAX_LINES} lines, got ${request.lines.length}.`);
  }
  const seen = new Map<string, number>();
  request.lines.forEach((line, i) => {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0 || line.quantity > MAX_QUANTITY) {
      throw badUserInput(
        `input.lines[${i}].quantity`,
        `input.lines[${i}].quantity must be between 1 and ${MAX_QUANTITY}, got ${line.quantity}.`,
      );
    }
    const earlier = seen.get(line.productId);
    if (earlier !== undefined) {
      throw badUserInput(
        `input.lines[${i}].productId`,
        `input.lines[${i}].productId repeats product "${line.productId}" of input.lines[${earlier}]; use one line per product.`,
      );
    }
    seen.set(line.productId, i);
  });
}

async function existingOrder(tx: Transaction, userId: string, key: string): Promise<OrderRow | null> {
  const { rows } = await tx.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1 AND idempotency_key = $2`,
    [userId, key],
  );
  return rows[0] ?? null;
}

/** A replay returns the first order; the same key for a different request is refused. */
function replayed(order: OrderRow, hash: string): OrderRow {
  if (order.request_hash !== hash) {
    throw conflict(
      `input.idempotencyKey was already used for a different order (${order.number}); use a new key for a new order.`,
    );
  }
  return order;
}

/**
 * Places an order: at most one per (user, idempotency key), and only with its stock held in
 * inventory, so concurrent orders for the last units sell exactly what there is.
 *
 * Every attempt with one key takes the key's lock first and keeps it until its transaction
 * ends, so attempts with the same key run one after another: the first finds no order,
 * reserves the stock (under a reservation id derived from user and key) and writes the order;
 * every later one finds that order and returns it, without calling inventory. Different keys
 * do not wait for each other here; inventory queues them on the stock rows they share.
 *
 * Holding the transaction across the call to inventory is deliberate: it is what makes the
 * compensation safe. If the order cannot be written after the stock was reserved, the
 * reservation is released, and no other attempt with the key can be relying on it meanwhile.
 * The call is bounded by INVENTORY_TIMEOUT_MS. If the transaction fails to commit after the
 * reservation, the stock stays held: a retry with the same key finds that reservation and
 * completes the order instead of taking the stock again.
 */
export async function placeOrder(db: RequestDatabase, inventory: InventoryClient, request: PlaceOrderRequest): Promise<OrderRow> {
  validatePlaceOrder(request);
  const hash = requestHash(request.lines);
  const reservationId = reservationIdFor(request.userId, request.idempotencyKey);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [reservationId]);
    const earlier = await existingOrder(tx, request.userId, request.idempotencyKey);
    if (earlier) return replayed(earlier, hash);

    const productIds = request.lines.map((line) => line.productId);
    const products = new Map((await sellableProducts(tx, productIds)).map((row) => [row.product_id, row]));
    const lines = request.lines.map((line, i) => {
      const product = products.get(line.productId);
      if (!product) {
        throw badUserInput(`input.lines[${i}].productId`, `input.lines[${i}].productId: unknown product "${line.productId}".`);
      }
      return {
        ...line,
        unitPriceCents: product.price_cents,
        currency: product.currency,
        weightGrams: product.weight_grams,
        shippingClass: product.shipping_class,
      };
    });
    const currencies = new Set(lines.map((line) => line.currency));
    if (currencies.size > 1) {
      throw badUserInput('input.lines', `All products of one order must share a currency, got ${[...currencies].join(', ')}.`);
    }
    const { subtotalCents, shippingCents } = priceOrder(lines);

    await holdStock(inventory, reservationId, request.lines);
    let written: OrderRow | null;
    try {
      written = await writeOrder(tx, { ...request, hash, reservationId, lines, subtotalCents, shippingCents });
    } catch (error) {
      // The order was not written: give its stock back, or it would stay held for nothing.
      // If that fails too, the reservation waits for a retry with the same key, which reuses it.
      await inventory.release(reservationId).catch((releaseError: Error) =>
        console.error(`[orders] could not release reservation ${reservationId} after a failed order: ${releaseError.message}`),
      );
      throw error;
    }
    if (written) return written;
    // The key's lock makes this unreachable for placeOrder; the unique constraint stays the
    // last word all the same. The order that won holds the same reservation, so it stays held.
    const winner = await existingOrder(tx, request.userId, request.idempotencyKey);
    if (!winner) throw new Error('idempotency conflict without a committed order');
    return replayed(winner, hash);
  });
}

interface OrderToWrite extends PlaceOrderRequest {
  hash: string;
  reservationId: string;
  lines: { productId: string; quantity: number; unitPriceCents: number; currency: string }[];
  subtotalCents: number;
  shippingCents: number;
}

/** Inserts the order and its lines; null if an order under the same key exists already. */
async function writeOrder(tx: Transaction, order: OrderToWrite): Promise<OrderRow | null> {
  const id = `o-${randomUUID()}`;
  // Millisecond precision on purpose: the pagination cursor carries placed_at as ISO-8601.
  const placedAt = new Date();
  const { rows: inserted } = await tx.query<OrderRow>(
    `INSERT INTO orders (id, number, user_id, idempotency_key, request_hash, status, placed_at, subtotal_cents, shipping_cents, currency, reservation_id)
     VALUES ($1, 'SO-' || lpad(nextval('order_numbers')::text, 6, '0'), $2, $3, $4, 'PLACED', $5, $6, $7, $8, $9)
     ON CONFLICT (user_id, idempotency_key) DO NOTHING
     RETURNING ${ORDER_COLUMNS}`,
    [id, order.userId, order.idempotencyKey, order.hash, placedAt, order.subtotalCents, order.shippingCents, order.lines[0]!.currency, order.reservationId],
  );
  const written = inserted[0];
  if (!written) return null;
  await bulkInsert(
    tx,
    'order_lines',
    ['order_id', 'line_number', 'product_id', 'quantity', 'unit_price_cents'],
    order.lines.map((line, i) => [written.id, i + 1, line.productId, line.quantity, line.unitPriceCents]),
  );
  return written;
}
