import { connect } from 'node:net';
import { isCi } from './storage-backends';

/**
 * Redis for the tests of state shared by replicas: `TEST_REDIS_URL`, default the local
 * server. As with PostgreSQL, suites that need it are skipped locally when it does not
 * answer, and FAIL under `CI=true`. Jest's global setup probes it once and records the
 * answer in `REDIS_TEST_STATUS`.
 */
export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';
export const REDIS_STATUS_VARIABLE = 'REDIS_TEST_STATUS';

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL || DEFAULT_TEST_REDIS_URL;
}

/** Sends PING over a plain socket (no client library in the kit) and expects +PONG. */
export function probeRedis(url = testRedisUrl(), timeoutMs = 2_000): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('error', fail);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => {
      socket.destroy();
      // A password-protected server answers -NOAUTH: it is there, the suite's client logs in.
      if (/^(\+PONG|-NOAUTH)/.test(chunk.toString())) resolve();
      else reject(new Error(`unexpected answer ${JSON.stringify(chunk.toString().slice(0, 40))}`));
    });
  });
}

/** `describe` that needs Redis: runs when it answered (or under CI, to fail loudly), else is skipped. */
export function describeWithRedis(title: string, suite: () => void): void {
  const status = process.env[REDIS_STATUS_VARIABLE] ?? 'unknown';
  if (status === 'up' || isCi()) describe(`${title} [Redis]`, suite);
  else describe.skip(`${title} [Redis: not reachable at ${testRedisUrl()} (${status}); set CI=true to make this fail]`, suite);
}
