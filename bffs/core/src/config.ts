import { availableParallelism } from 'node:os';
import { DEVELOPMENT_USAGE_TOKEN } from '@bff/formats';
import { ConfigError, readGatewaySecret, readOptionalString, readPort, readPositiveInt, readRedisUrl, readString } from '@bff/platform';
import { DEVELOPMENT_JWT, type JwtConfig } from './auth/authenticator';
import type { BffMode } from './bff-mode';

export interface BffConfig {
  host: string;
  port: number;
  mode: BffMode;
  /** Supergraph file to serve (default: the client's checked-in one). */
  supergraphFile: string | undefined;
  /** `SUBGRAPH_URL_<NAME>=http://…` overrides, by lower-case subgraph name. */
  subgraphUrls: Record<string, string>;
  /** Registry mode: the registry to poll (absent: static-file mode, the default). */
  registryUrl: string | undefined;
  registryPollMs: number;
  /** Usage reports to the registry (registry mode only; `USAGE_REPORTING=off` turns them off). */
  usageReporting: { token: string; intervalMs: number } | undefined;
  gatewaySecret: string;
  jwt: JwtConfig;
  /** Redis shared by this BFF's replicas (APQ); absent: each replica keeps its own, in memory. */
  redisUrl: string | undefined;
  /** Processes serving the port (node:cluster); 1: a single process, no cluster. */
  workers: number;
  /** `QUERY_PLANNER`: who plans for the kit's executor. */
  queryPlanner: 'apollo' | 'hive';
  /** Whether the policy's rate limits apply (`RATE_LIMITS`). */
  rateLimits: boolean;
  /** The operators' token for clearing the response cache (`CACHE_ADMIN_TOKEN`). */
  cacheAdminToken: string | undefined;
  /** Whether the policy's response cache is used (`RESPONSE_CACHE`). */
  responseCache: boolean;
}

/**
 * Environment of a BFF process: `HOST` (127.0.0.1), `PORT` (the client's own),
 * `NODE_ENV=production` for the client's production policy, `SUPERGRAPH_FILE`,
 * `SUBGRAPH_URL_<NAME>` to move one subgraph, and `REGISTRY_URL` (+ `REGISTRY_POLL_MS`)
 * for registry mode (with usage reports to it: `USAGE_REPORTING=off` to stop them,
 * `REGISTRY_USAGE_TOKEN`, `USAGE_REPORT_INTERVAL_MS`), `REDIS_URL` for state shared by replicas, `WORKERS` (a number, or `auto`
 * for one per CPU) for processes sharing the port, `QUERY_PLANNER` (`apollo`, or `hive` for
 * the Hive Router's planner behind the kit's executor), `RATE_LIMITS=off` to ignore the
 * policy's rate limits (load tests), `RESPONSE_CACHE=off` to ignore its response cache,
 * `CACHE_ADMIN_TOKEN` for the operators' cache invalidation.
 */
export { readJwtConfig };

export function readBffConfig(defaultPort: number, env: Record<string, string | undefined> = process.env): BffConfig {
  const subgraphUrls: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_URL_([A-Z0-9_]+)$/.exec(name);
    if (!match || !value) continue;
    if (!/^https?:\/\/[^\s]+$/.test(value)) throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
    subgraphUrls[match[1]!.toLowerCase()] = value;
  }
  const nodeEnv = readString(env, 'NODE_ENV', 'development');
  const registryUrl = readRegistryUrl(env);
  return {
    host: readString(env, 'HOST', '127.0.0.1'),
    port: readPort(env, 'PORT', defaultPort),
    mode: nodeEnv === 'production' ? 'production' : 'development',
    supergraphFile: readOptionalString(env, 'SUPERGRAPH_FILE'),
    subgraphUrls,
    registryUrl,
    registryPollMs: readPositiveInt(env, 'REGISTRY_POLL_MS', 5_000),
    usageReporting: registryUrl ? readUsageReporting(env, nodeEnv === 'production') : undefined,
    gatewaySecret: readGatewaySecret(env),
    jwt: readJwtConfig(env),
    redisUrl: readRedisUrl(env),
    workers: readWorkers(env),
    queryPlanner: readQueryPlanner(env),
    rateLimits: readRateLimits(env),
    cacheAdminToken: readCacheAdminToken(env),
    responseCache: readOnOff(env, 'RESPONSE_CACHE'),
  };
}

/** `CACHE_ADMIN_TOKEN`: the operators' token for `POST /cache/invalidate` (at least 32 characters); unset, the path does not exist. */
function readCacheAdminToken(env: Record<string, string | undefined>): string | undefined {
  const token = readOptionalString(env, 'CACHE_ADMIN_TOKEN');
  if (token !== undefined && token.length < 32) throw new ConfigError('CACHE_ADMIN_TOKEN must be at least 32 characters');
  return token;
}

/** `RATE_LIMITS=off` turns the policy's rate limits off (load tests, benchmarks); on by default. */
function readRateLimits(env: Record<string, string | undefined>): boolean {
  return readOnOff(env, 'RATE_LIMITS');
}

/** A switch that is on unless the variable says `off`. */
function readOnOff(env: Record<string, string | undefined>, name: string): boolean {
  const value = readString(env, name, 'on');
  if (value !== 'on' && value !== 'off') throw new ConfigError(`${name} must be "on" or "off", got "${value}"`);
  return value === 'on';
}

function readQueryPlanner(env: Record<string, string | undefined>): BffConfig['queryPlanner'] {
  const value = readString(env, 'QUERY_PLANNER', 'hive');
  if (value !== 'apollo' && value !== 'hive') throw new ConfigError(`QUERY_PLANNER must be "apollo" or "hive", got "${value}"`);
  return value;
}

/**
 * `auto`: one worker per CPU this process may run on (its CPU affinity). Node 20 does not
 * read a container's CPU quota, so under a Kubernetes CPU limit give a number instead.
 */
function readWorkers(env: Record<string, string | undefined>): number {
  if (readOptionalString(env, 'WORKERS') === 'auto') return availableParallelism();
  try {
    return readPositiveInt(env, 'WORKERS', 1);
  } catch {
    throw new ConfigError(`WORKERS must be a positive integer or "auto" (one per CPU), got "${env.WORKERS}"`);
  }
}

function readUsageReporting(env: Record<string, string | undefined>, production: boolean): BffConfig['usageReporting'] {
  const setting = readString(env, 'USAGE_REPORTING', 'on');
  if (setting !== 'on' && setting !== 'off') throw new ConfigError(`USAGE_REPORTING must be "on" or "off", got "${setting}"`);
  if (setting === 'off') return undefined;
  const token = readOptionalString(env, 'REGISTRY_USAGE_TOKEN') ?? (production ? undefined : DEVELOPMENT_USAGE_TOKEN);
  if (!token) throw new ConfigError('REGISTRY_USAGE_TOKEN must be set in production with REGISTRY_URL (or set USAGE_REPORTING=off)');
  return { token, intervalMs: readPositiveInt(env, 'USAGE_REPORT_INTERVAL_MS', 10_000) };
}

function readRegistryUrl(env: Record<string, string | undefined>): string | undefined {
  const value = readOptionalString(env, 'REGISTRY_URL');
  if (value !== undefined && !/^https?:\/\/[^\s]+$/.test(value)) throw new ConfigError(`REGISTRY_URL must be an http(s) URL, got "${value}"`);
  return value?.replace(/\/$/, '');
}

/** `JWT_SECRET` (HS256) or `JWKS_URL`, plus `JWT_ISSUER` and `JWT_AUDIENCE`; development defaults otherwise. */
function readJwtConfig(env: Record<string, string | undefined>): JwtConfig {
  const secret = readOptionalString(env, 'JWT_SECRET');
  const jwksUrl = readOptionalString(env, 'JWKS_URL');
  if (secret && jwksUrl) throw new ConfigError('set JWT_SECRET or JWKS_URL, not both');
  if (jwksUrl && !/^https?:\/\//.test(jwksUrl)) throw new ConfigError(`JWKS_URL must be an http(s) URL, got "${jwksUrl}"`);
  if (secret !== undefined && secret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  if (!secret && !jwksUrl && env.NODE_ENV === 'production') throw new ConfigError('JWT_SECRET or JWKS_URL must be set in production');
  return {
    ...(jwksUrl ? { jwksUrl } : { secret: secret ?? DEVELOPMENT_JWT.secret }),
    issuer: readString(env, 'JWT_ISSUER', DEVELOPMENT_JWT.issuer),
    audience: readString(env, 'JWT_AUDIENCE', DEVELOPMENT_JWT.audience),
  };
}
