import type { InventoryContext } from '../context';
import { releaseStock, reserveStock, type ReservationLine, type ReservationOutcome } from '../data/stock-reservations';

/** The GraphQL shape of an outcome: `shortages` is always a list, empty unless stock was short. */
const result = (reservationId: string, outcome: ReservationOutcome) => ({
  reservationId,
  status: outcome.status,
  shortages: outcome.status === 'INSUFFICIENT_STOCK' ? outcome.shortages : [],
});

// Internal (@inaccessible): no gateway plans these fields, so the only caller is the orders
// subgraph, which holds the gateway credential every request here is checked for.
export const Mutation = {
  reserveStock: async (_: unknown, args: { reservationId: string; lines: ReservationLine[] }, context: InventoryContext) =>
    result(args.reservationId, await reserveStock(context.db, args.reservationId, args.lines)),
  releaseStock: async (_: unknown, args: { reservationId: string }, context: InventoryContext) =>
    result(args.reservationId, await releaseStock(context.db, args.reservationId)),
};
