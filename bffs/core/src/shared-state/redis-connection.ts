import { Redis } from 'ioredis';

export interface RedisConnection {
  redis: Redis;
  close(): Promise<void>;
}

/**
 * The BFF's connection to the Redis its replicas share (`REDIS_URL`). Shared state is an
 * optimisation, never a dependency of a request: commands that cannot be sent at once
 * fail at once (no offline queue) and any command gives up after `commandTimeoutMs`, so a
 * slow or absent Redis costs a request a cache miss, not its latency. The client keeps
 * reconnecting in the background; connection errors are logged once per outage.
 */
export async function connectRedis(
  url: string,
  options: { commandTimeoutMs?: number; connectWaitMs?: number; log?: (line: string) => void } = {},
): Promise<RedisConnection> {
  const log = options.log ?? console.warn;
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  let outage = false;
  redis.on('error', (error: Error) => {
    if (outage) return;
    outage = true;
    log(`Redis at ${redactedUrl(url)} is unavailable (${error.message}); shared state degrades to this replica until it is back`);
  });
  redis.on('ready', () => {
    if (outage) log(`Redis at ${redactedUrl(url)} is back`);
    outage = false;
  });
  // Give it a moment at start-up, so the first requests find it; then go on either way.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.connectWaitMs ?? 3_000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    redis,
    close: async () => {
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}
