import { randomUUID } from 'node:crypto';
import { badUserInput, bulkInsert, conflict, notFound, type RequestDatabase, type Transaction } from '@subgraphs/kit';
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
 * Places an order atomically: the order and all its lines are written in one transaction
 * or not at all. At most one order exists per (user, idempotency key): concurrent attempts
 * with the same key meet at the unique constraint, the loser waits for the winner's commit
 * and returns the winner's order.
 */
export async function placeOrder(db: RequestDatabase, request: PlaceOrderRequest): Promise<OrderRow> {
  validatePlaceOrder(request);
  const hash = requestHash(request.lines);
  return db.transaction(async (tx) => {
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
    const id = `o-${randomUUID()}`;
    // Millisecond precision on purpose: the pagination cursor carries placed_at as ISO-8601.
    const placedAt = new Date();
    const { rows: inserted } = await tx.query<OrderRow>(
      `INSERT INTO orders (id, number, user_id, idempotency_key, request_hash, status, placed_at, subtotal_cents, shipping_cents, currency)
       VALUES ($1, 'SO-' || lpad(nextval('order_numbers')::text, 6, '0'), $2, $3, $4, 'PLACED', $5, $6, $7, $8)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING
       RETURNING ${ORDER_COLUMNS}`,
      [id, request.userId, request.idempotencyKey, hash, placedAt, subtotalCents, shippingCents, lines[0]!.currency],
    );
    const order = inserted[0];
    if (!order) {
      // A concurrent attempt with the same key committed first; answer with its order.
      const winner = await existingOrder(tx, request.userId, request.idempotencyKey);
      if (!winner) throw new Error('idempotency conflict without a committed order');
      return replayed(winner, hash);
    }
    await bulkInsert(
      tx,
      'order_lines',
      ['order_id', 'line_number', 'product_id', 'quantity', 'unit_price_cents'],
      lines.map((line, i) => [order.id, i + 1, line.productId, line.quantity, line.unitPriceCents]),
    );
    return order;
  });
}

/** Cancels one of the user's orders unless it has shipped; cancelling twice is a no-op. */
export async function cancelOrder(db: RequestDatabase, userId: string, orderId: string): Promise<OrderRow> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND user_id = $2 FOR UPDATE`,
      [orderId, userId],
    );
    const order = rows[0];
    // Someone else's order is reported exactly like a missing one: its existence is not ours to reveal.
    if (!order) throw notFound(`No order "${orderId}" among your orders.`);
    if (order.status === 'CANCELLED') return order;
    if (order.status !== 'PLACED') {
      throw conflict(`Order ${order.number} is ${order.status.toLowerCase()} and can no longer be cancelled.`);
    }
    const { rows: updated } = await tx.query<OrderRow>(
      `UPDATE orders SET status = 'CANCELLED', cancelled_at = $2 WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
      [orderId, new Date()],
    );
    return updated[0]!;
  });
}
