import { conflict, outOfStock, serviceUnavailable } from '@bff/platform';
import { InventoryUnavailableError, type InventoryClient, type ReservationResult } from './inventory-client';

/**
 * Holds the stock of an order's lines in inventory, all or nothing, or says why not:
 * OUT_OF_STOCK naming the first short line (`input.lines[i].quantity`), or SERVICE_UNAVAILABLE.
 *
 * Call only while holding the idempotency key's lock with no order placed under the key: a
 * reservation of other lines under the same id is then an abandoned attempt's (it failed
 * before its order was written), so it is given back and this request's lines reserved instead.
 */
export async function holdStock(
  inventory: InventoryClient,
  reservationId: string,
  lines: readonly { productId: string; quantity: number }[],
): Promise<void> {
  const unavailable = 'Stock could not be reserved: the inventory service is unavailable. No order was placed; retry with the same idempotencyKey.';
  let result = await unlessUnavailable(() => inventory.reserve(reservationId, lines), unavailable);
  if (result.status === 'LINES_MISMATCH') {
    await unlessUnavailable(() => inventory.release(reservationId), unavailable);
    result = await unlessUnavailable(() => inventory.reserve(reservationId, lines), unavailable);
  }
  if (result.status === 'RESERVED') return;
  if (result.status === 'INSUFFICIENT_STOCK' && result.shortages.length > 0) {
    const [first, ...others] = result.shortages.map((s) => ({
      field: `input.lines[${s.line}].quantity`,
      text: `input.lines[${s.line}].quantity asks for ${s.requested} of product "${s.productId}", ${s.available} available`,
    }));
    const also = others.length ? `; also ${others.map((o) => o.text).join('; ')}` : '';
    throw outOfStock(first!.field, `Not enough stock: ${first!.text}${also}. No order was placed.`);
  }
  if (result.status === 'LINES_MISMATCH') {
    // Another attempt reserved other lines between our release and reserve: only possible if
    // something bypasses the key's lock, so refuse rather than guess whose lines win.
    throw conflict('input.idempotencyKey is in use by another order attempt right now; retry it, or use a new key for a new order.');
  }
  throw new Error(`inventory answered reserveStock with ${result.status}`);
}

/**
 * Returns a placed order's stock. Releasing is idempotent in inventory, so a retried cancel
 * returns it once. A reservation inventory does not know has nothing to return.
 */
export async function returnStock(inventory: InventoryClient, reservationId: string, orderNumber: string): Promise<void> {
  const result = await unlessUnavailable(
    () => inventory.release(reservationId),
    `Order ${orderNumber} could not be cancelled: the inventory service is unavailable to take its stock back. The order is unchanged; retry the cancel.`,
  );
  if (result.status === 'NOT_FOUND') {
    console.warn(`[orders] order ${orderNumber}: inventory knows no reservation ${reservationId}; cancelling without returning stock`);
  } else if (result.status !== 'RELEASED') {
    throw new Error(`inventory answered releaseStock for order ${orderNumber} with ${result.status}`);
  }
}

/** Inventory's outages become SERVICE_UNAVAILABLE with a message the client can act on; details go to the log. */
async function unlessUnavailable(call: () => Promise<ReservationResult>, message: string): Promise<ReservationResult> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof InventoryUnavailableError)) throw error;
    console.error(`[orders] ${error.message}`);
    throw serviceUnavailable(message);
  }
}
