import { bulkInsert, type Seed } from '@bff/platform';
import { dataset } from '@subgraphs/kit';
import { priceOrder } from '../pricing';
import { requestHash } from './request-hash';

export const ordersSeed: Seed = {
  version: '1',
  async load(tx) {
    const { products, orders } = dataset();
    await bulkInsert(
      tx,
      'sellable_products',
      ['product_id', 'price_cents', 'currency', 'weight_grams', 'shipping_class'],
      products.map((p) => [p.id, p.priceCents, p.currency, p.weightGrams, p.shippingClass]),
    );
    const productById = new Map(products.map((p) => [p.id, p]));
    await bulkInsert(
      tx,
      'orders',
      ['id', 'number', 'user_id', 'idempotency_key', 'request_hash', 'status', 'placed_at', 'cancelled_at', 'subtotal_cents', 'shipping_cents', 'currency'],
      orders.map((o) => {
        const { subtotalCents, shippingCents } = priceOrder(
          o.lines.map((l) => ({ ...l, weightGrams: productById.get(l.productId)!.weightGrams, shippingClass: productById.get(l.productId)!.shippingClass })),
        );
        const hash = requestHash(o.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })));
        const cancelledAt = o.status === 'CANCELLED' ? new Date(o.placedAt.getTime() + 3_600_000) : null;
        return [o.id, o.number, o.userId, o.idempotencyKey, hash, o.status, o.placedAt, cancelledAt, subtotalCents, shippingCents, 'USD'];
      }),
    );
    await bulkInsert(
      tx,
      'order_lines',
      ['order_id', 'line_number', 'product_id', 'quantity', 'unit_price_cents'],
      orders.flatMap((o) => o.lines.map((l, i) => [o.id, i + 1, l.productId, l.quantity, l.unitPriceCents])),
    );
  },
};
