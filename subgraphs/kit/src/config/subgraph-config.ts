import { defaultDataDir, readDatabaseUrl, readGatewaySecret, readIdentifier, readPort, readPositiveInt, readRedisUrl, readString } from '@bff/platform';

/** Largest request body a subgraph accepts unless `MAX_BODY_BYTES` says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface SubgraphConfig {
  host: string;
  port: number;
  /** PostgreSQL URL; absent means embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** PostgreSQL schema holding this subgraph's tables. */
  databaseSchema: string;
  dataDir: string;
  maxBodyBytes: number;
  /** The gateways' shared secret every GraphQL request must carry. */
  gatewaySecret: string;
  /** Requests in flight at once, shared fairly among the calling clients (fair-share-admission.ts). */
  maxConcurrentRequests: number;
  /** Where data changes are announced to the BFFs (Redis pub/sub); none: within the process. */
  redisUrl: string | undefined;
}

/** Requests a subgraph serves at once unless `MAX_CONCURRENT_REQUESTS` says otherwise. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 256;

/**
 * Environment of a subgraph process:
 * - `HOST` (default 127.0.0.1), `PORT` (default: the subgraph's own, 4101–4105)
 * - `DATABASE_URL`: PostgreSQL instead of embedded PGlite
 * - `DATABASE_SCHEMA`: schema for this subgraph's tables (default: the subgraph name)
 * - `DATA_DIR`: PGlite directory (default `.data/<subgraph>`; `memory://` for a throw-away one)
 * - `MAX_BODY_BYTES`: largest request body (default 1 MiB)
 * - `GATEWAY_SECRET`: the credential gateways send (required with NODE_ENV=production)
 * - `MAX_CONCURRENT_REQUESTS`: requests in flight at once, divided evenly among the calling clients (default 256)
 * - `REDIS_URL`: announce data changes to the BFFs through Redis pub/sub
 */
export function readSubgraphConfig(
  name: string,
  defaultPort: number,
  env: Record<string, string | undefined> = process.env,
): SubgraphConfig {
  return {
    host: readString(env, 'HOST', '127.0.0.1'),
    port: readPort(env, 'PORT', defaultPort),
    databaseUrl: readDatabaseUrl(env, 'DATABASE_URL'),
    databaseSchema: readIdentifier(env, 'DATABASE_SCHEMA', name),
    dataDir: readString(env, 'DATA_DIR', defaultDataDir(name)),
    maxBodyBytes: readPositiveInt(env, 'MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES),
    gatewaySecret: readGatewaySecret(env),
    maxConcurrentRequests: readPositiveInt(env, 'MAX_CONCURRENT_REQUESTS', DEFAULT_MAX_CONCURRENT_REQUESTS),
    redisUrl: readRedisUrl(env),
  };
}
