import { createServer } from 'node:http';
import { CircuitBreaker } from '../src/resilience/circuit-breaker';
import { classifyFetchFailure } from '../src/resilience/fetch-failure';
import { SubgraphBreakers } from '../src/resilience/subgraph-breakers';
import { subgraphReadiness } from '../src/server/subgraph-readiness';

describe('CircuitBreaker', () => {
  let now = 0;
  const breaker = () => new CircuitBreaker({ failureThreshold: 3, openMs: 1_000, now: () => now });
  beforeEach(() => (now = 0));

  test('opens after consecutive failures only', () => {
    const b = breaker();
    b.failed();
    b.failed();
    b.succeeded(); // a success in between resets the count
    b.failed();
    b.failed();
    expect(b.state).toBe('closed');
    b.failed();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
  });

  test('half-open lets exactly one trial through; its outcome decides', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    now = 999;
    expect(b.tryAcquire()).toBe(false);
    now = 1_000;
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // the trial is in flight
    b.failed();
    expect(b.state).toBe('open'); // one failed trial reopens, no threshold
    now = 2_000;
    expect(b.tryAcquire()).toBe(true);
    b.succeeded();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  test('an abandoned trial frees the slot without deciding', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    now = 1_000;
    expect(b.tryAcquire()).toBe(true);
    b.abandoned();
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
  });

  test('refuses nonsense settings', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, openMs: 1 })).toThrow(/failureThreshold/);
    expect(() => new CircuitBreaker({ failureThreshold: 1, openMs: 0 })).toThrow(/openMs/);
  });
});

describe('classifyFetchFailure', () => {
  test.each([
    [Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }), 'connection'],
    [Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }), 'connection'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
    [Object.assign(new Error('503: Service Unavailable'), { extensions: { response: { status: 503 } } }), 'server-error'],
    [Object.assign(new Error('400: Bad Request'), { extensions: { response: { status: 400 } } }), undefined],
    [new Error('Expected JSON response body'), undefined],
    ['a string', undefined],
  ])('%s → %s', (error, kind) => {
    expect(classifyFetchFailure(error)).toBe(kind);
  });
});

describe('readiness over circuits', () => {
  test('not ready while some subgraph never answered', async () => {
    const breakers = new SubgraphBreakers({ breakerFailureThreshold: 1, breakerOpenMs: 60_000 });
    // Port 9 (discard) on 127.0.0.1 refuses connections: a subgraph that never answered.
    const waiting = await subgraphReadiness([{ name: 'a', url: 'http://127.0.0.1:9/graphql' }], 'secret', breakers, 500)();
    expect(waiting).toEqual({ ready: false, status: 'starting', subgraphs: { a: 'waiting' } });
  });

  test('degraded (still ready) with one circuit open, not ready with all of them open', async () => {
    const server = createServer((_req, res) => res.end('{"data":{"__typename":"Query"}}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
    try {
      const breakers = new SubgraphBreakers({ breakerFailureThreshold: 1, breakerOpenMs: 60_000 });
      const ready = subgraphReadiness([{ name: 'a', url }, { name: 'b', url }], 'secret', breakers, 500);
      expect(await ready()).toEqual({ ready: true, status: 'ready', subgraphs: { a: 'closed', b: 'closed' } });
      breakers.for('a').failed();
      expect(await ready()).toEqual({ ready: true, status: 'degraded', subgraphs: { a: 'open', b: 'closed' } });
      breakers.for('b').failed();
      expect(await ready()).toEqual({ ready: false, status: 'all subgraphs unavailable', subgraphs: { a: 'open', b: 'open' } });
    } finally {
      server.close();
    }
  });
});
