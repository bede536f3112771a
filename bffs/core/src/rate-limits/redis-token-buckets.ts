import type { Redis } from 'ioredis';
import { memoryTokenBuckets, type Charge, type TokenBuckets } from './token-buckets';

/**
 * The same buckets as memoryTokenBuckets, in Redis, charged in one round trip by one script:
 * every bucket is refilled to the Redis server's clock (one clock for all replicas), then
 * charged only if all of them can pay, atomically, so two replicas never both spend the last
 * tokens. A bucket expires once it would be full again.
 */
const CHARGE_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local cost = tonumber(ARGV[1])
local states = {}
local allowed = 1
local wait = 0
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[i + 1])
  local perMs = capacity / 60000
  local saved = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = capacity
  if saved[1] then
    tokens = math.min(capacity, tonumber(saved[1]) + math.max(0, now - tonumber(saved[2])) * perMs)
  end
  local price = math.min(cost, capacity)
  states[i] = { tokens, price, perMs, capacity }
  if tokens < price then
    allowed = 0
    wait = math.max(wait, (price - tokens) / perMs)
  end
end
local remaining = {}
for i, key in ipairs(KEYS) do
  local s = states[i]
  local left = s[1]
  if allowed == 1 then
    left = s[1] - s[2]
    redis.call('HSET', key, 'tokens', tostring(left), 'at', tostring(now))
    redis.call('PEXPIRE', key, math.ceil((s[4] - left) / s[3]) + 1000)
  end
  remaining[i] = math.floor(left)
end
return { allowed, math.ceil(wait), unpack(remaining) }
`;

/** Redis buckets shared by every replica; while Redis cannot answer, this replica's own (never a failed request). */
export function redisTokenBuckets(redis: Redis, keyPrefix: string, log: (line: string) => void = console.warn): TokenBuckets {
  const fallback = memoryTokenBuckets();
  let degraded = false;
  return {
    charge: async (buckets, cost): Promise<Charge> => {
      try {
        const reply = (await redis.eval(CHARGE_SCRIPT, buckets.length, ...buckets.map((b) => `${keyPrefix}${b.key}`), cost, ...buckets.map((b) => b.capacity))) as number[];
        if (degraded) log('rate limits: Redis answers again; budgets are shared by the replicas again');
        degraded = false;
        const [allowed, retryAfterMs, ...remaining] = reply;
        return { allowed: allowed === 1, retryAfterMs: retryAfterMs ?? 0, remaining };
      } catch (error) {
        if (!degraded) log(`rate limits: Redis cannot answer (${(error as Error).message}); each replica keeps its own budgets until it can`);
        degraded = true;
        return fallback.charge(buckets, cost);
      }
    },
  };
}
