import type { InventoryContext } from '../context';
import { releaseStock, reservedProductIds, reserveStock, type ReservationLine, type ReservationOutcome } from '../data/stock-reservations';

/** The GraphQL shape of an outcome: `shortages` is always a list, empty unless stock was short. */
const result = (reservationId: string, outcome: ReservationOutcome) => ({
  reservationId,
  status: outcome.status,
  shortages: outcome.status === 'INSUFFICIENT_STOCK' ? outcome.shortages : [],
});

// Internal (@inaccessible): no gateway plans these fields, so the only caller is the orders
// subgraph, which holds the gateway credential every request here is checked for.
export const Mutation = {
  reserveStock: async (_: unknown, args: { reservationId: string; lines: ReservationLine[] }, context: InventoryContext) => {
    const outcome = await reserveStock(context.db, args.reservationId, args.lines);
    // Stock the BFFs may have kept (a product page) is no longer what it was.
    if (outcome.status === 'RESERVED') await context.announce('Product', args.lines.map((line) => line.productId));
    return result(args.reservationId, outcome);
  },
  releaseStock: async (_: unknown, args: { reservationId: string }, context: InventoryContext) => {
    const outcome = await releaseStock(context.db, args.reservationId);
    if (outcome.status === 'RELEASED') await context.announce('Product', await reservedProductIds(context.db, args.reservationId));
    return result(args.reservationId, outcome);
  },
};
