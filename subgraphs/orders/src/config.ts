import { ConfigError, readHttpUrl, readPositiveInt, readRedisUrl } from '@bff/platform';

/** The variable that tells orders where inventory's GraphQL endpoint is. */
export const INVENTORY_URL_VARIABLE = 'INVENTORY_URL';
export const DEFAULT_INVENTORY_URL = 'http://127.0.0.1:4103/graphql';
export const DEFAULT_INVENTORY_TIMEOUT_MS = 5_000;
/**
 * Orders holds a database transaction while it waits for inventory, and PostgreSQL ends a
 * transaction left idle for 30 s; a longer wait would turn a slow inventory into a lost order.
 */
const MAX_INVENTORY_TIMEOUT_MS = 20_000;

export interface OrdersConfig {
  inventoryUrl: string;
  inventoryTimeoutMs: number;
  /** Where order changes travel between replicas; without it, the database's NOTIFY (see events/order-events.ts). */
  redisUrl?: string;
}

/**
 * Orders' own environment, beyond every subgraph's (`readSubgraphConfig`):
 * - `INVENTORY_URL`: inventory's GraphQL endpoint, where stock is reserved (default http://127.0.0.1:4103/graphql)
 * - `INVENTORY_TIMEOUT_MS`: how long one call to inventory may take (default 5000, at most 20000)
 * - `REDIS_URL`: announce order changes through Redis pub/sub (default: the database's LISTEN/NOTIFY)
 */
export function readOrdersConfig(env: Record<string, string | undefined>): OrdersConfig {
  const inventoryTimeoutMs = readPositiveInt(env, 'INVENTORY_TIMEOUT_MS', DEFAULT_INVENTORY_TIMEOUT_MS);
  if (inventoryTimeoutMs > MAX_INVENTORY_TIMEOUT_MS) {
    throw new ConfigError(`INVENTORY_TIMEOUT_MS must be at most ${MAX_INVENTORY_TIMEOUT_MS} (orders holds a database transaction while it waits), got "${inventoryTimeoutMs}"`);
  }
  return { inventoryUrl: readHttpUrl(env, INVENTORY_URL_VARIABLE, DEFAULT_INVENTORY_URL), inventoryTimeoutMs, redisUrl: readRedisUrl(env) };
}
