import { forbidden, unauthenticated, type RequestUser } from '@bff/platform';
import { type SubgraphContext } from '@subgraphs/kit';
import type { OrdersLoaders } from './data/loaders';
import type { OrderEvents } from './events/order-events';
import type { InventoryClient } from './inventory/inventory-client';

/** The other services orders calls: inventory, which owns stock; and where order changes are announced. */
export interface OrdersServices {
  inventory: InventoryClient;
  events: OrderEvents;
}

export type OrdersContext = SubgraphContext<OrdersLoaders, OrdersServices>;

/**
 * The signed-in user, who must hold `scope`. The BFF enforces @requiresScopes before
 * execution; checking again here means a gateway bug cannot place or reveal orders.
 */
export function requireUser(context: OrdersContext, scope: 'orders:read' | 'orders:write' | 'orders:fulfil'): RequestUser {
  if (!context.user) throw unauthenticated();
  if (!context.user.scopes.has(scope)) throw forbidden(`This needs the "${scope}" scope.`);
  return context.user;
}
