import { availableParallelism } from 'node:os';
import { ConfigError } from '@bff/platform';
import { readBffConfig } from '../src/config';
import { redactedUrl } from '../src/shared-state/redis-connection';

describe('BFF configuration from the environment', () => {
  test('REDIS_URL is optional; when set it must be a redis URL, and its password never reaches the error', () => {
    expect(readBffConfig(4000, {}).redisUrl).toBeUndefined();
    expect(readBffConfig(4000, { REDIS_URL: 'redis://127.0.0.1:6379/2' }).redisUrl).toBe('redis://127.0.0.1:6379/2');
    expect(readBffConfig(4000, { REDIS_URL: 'rediss://cache.internal:6380' }).redisUrl).toBe('rediss://cache.internal:6380');
    const bad = () => readBffConfig(4000, { REDIS_URL: 'http://user:hunter2@cache:6379' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(bad).not.toThrow(/hunter2/);
  });

  test('logs show a Redis URL without its password', () => {
    expect(redactedUrl('redis://:s3cret@cache:6379/0')).toBe('redis://:***@cache:6379/0');
    expect(redactedUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  test('WORKERS is 1 unless set; a positive integer, or auto for one per CPU; anything else names the variable', () => {
    expect(readBffConfig(4000, {}).workers).toBe(1);
    expect(readBffConfig(4000, { WORKERS: '' }).workers).toBe(1);
    expect(readBffConfig(4000, { WORKERS: '3' }).workers).toBe(3);
    expect(readBffConfig(4000, { WORKERS: 'auto' }).workers).toBe(availableParallelism());
    for (const bad of ['0', '-1', '1.5', 'two', 'AUTO ']) {
      expect(() => readBffConfig(4000, { WORKERS: bad })).toThrow(ConfigError);
      expect(() => readBffConfig(4000, { WORKERS: bad })).toThrow(`WORKERS must be a positive integer or "auto" (one per CPU), got "${bad}"`);
    }
  });
});
