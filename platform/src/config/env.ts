/**
 * Start-up configuration is read from the environment once, here, and a bad value stops
 * the process with one line that names the variable and what it expected (DESIGN.md,
 * convention 7). Nothing else in the code reads `process.env`.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function readString(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function readOptionalString(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function readPort(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a TCP port number between 0 and 65535, got "${raw}"`);
  }
  return port;
}

export function readPositiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

export function readDatabaseUrl(env: Env, name: string): string | undefined {
  const raw = readOptionalString(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a postgres:// or postgresql:// URL, got something that is not a URL`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`${name} must be a postgres:// or postgresql:// URL, got protocol "${url.protocol}"`);
  }
  return raw;
}

/** A SQL identifier we interpolate (schema names), so only a safe alphabet passes. */
export function readIdentifier(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) {
    throw new ConfigError(`${name} must be a lower-case SQL identifier (a-z, 0-9, _; at most 63 characters), got "${value}"`);
  }
  return value;
}

/** An http(s) URL of another service this process calls (say, inventory's `/graphql`). */
export function readHttpUrl(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got protocol "${url.protocol}"`);
  }
  return value;
}

/** `REDIS_URL`: the Redis that replicas share, when set (its password is never repeated in an error). */
export function readRedisUrl(env: Env): string | undefined {
  const value = readOptionalString(env, 'REDIS_URL');
  if (value !== undefined && !/^rediss?:\/\/[^\s]+$/.test(value)) throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// URL, got "${value.replace(/:[^:@/]*@/, ':***@')}"`);
  return value;
}
