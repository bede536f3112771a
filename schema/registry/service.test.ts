import type { Database } from '@bff/platform';
import { CapturedLog, capturedTelemetry, disposeTestDatabase, openTestDatabase } from '@bff/platform/testing';
import type { RegistryServer } from './server';
import { startTestRegistry } from './testing';

/** The registry run like every other service: a JSON log line per request with its id, metrics per route, probes. */
describe('registry as a service', () => {
  let db: Database;
  let started: { url: string; server: RegistryServer };
  const log = new CapturedLog();
  beforeAll(async () => {
    db = await openTestDatabase('registry-service', 'pglite');
    started = await startTestRegistry(db, { telemetry: capturedTelemetry('registry', log) });
  });
  afterAll(async () => {
    await started?.server.close();
    if (db) await disposeTestDatabase(db);
  });

  const requestLines = () => log.of('registry').filter((line) => line.msg === 'request');
  const settle = async (count: number) => {
    // A line is written when the response closes, just after the client has it.
    for (let i = 0; i < 200 && requestLines().length < count; i += 1) await new Promise((r) => setTimeout(r, 10));
  };

  test('every request gets a JSON log line and an x-request-id, the caller’s when it gave one', async () => {
    const given = await fetch(`${started.url}/subgraphs`, { headers: { 'x-request-id': 'trace-me-0001' } });
    expect(given.status).toBe(200);
    expect(given.headers.get('x-request-id')).toBe('trace-me-0001');
    const refused = await fetch(`${started.url}/subgraphs/catalog`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);
    const made = refused.headers.get('x-request-id');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    expect((await refused.json()) as any).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    // An id that could forge log lines is replaced.
    const forged = await fetch(`${started.url}/nowhere`, { headers: { 'x-request-id': 'x"} {"forged":true' } });
    expect(forged.status).toBe(404);
    expect(forged.headers.get('x-request-id')).not.toContain('"');

    await settle(3);
    const [first, second, third] = requestLines().slice(-3);
    expect(first).toMatchObject({ service: 'registry', reqId: 'trace-me-0001', method: 'GET', path: '/subgraphs', route: '/subgraphs', status: 200 });
    expect(second).toMatchObject({ reqId: made, method: 'POST', path: '/subgraphs/catalog', route: '/subgraphs/:name', status: 401, code: 'UNAUTHENTICATED' });
    expect(third).toMatchObject({ path: '/nowhere', route: 'unmatched', status: 404, code: 'NOT_FOUND' });
    expect(typeof first!.ms).toBe('number');
  });

  test('/metrics counts requests by route and status, and the probes answer', async () => {
    const metrics = await (await fetch(`${started.url}/metrics`)).text();
    expect(metrics).toMatch(/registry_requests_total\{method="GET",route="\/subgraphs",status="200",service="registry"\} [1-9]/);
    expect(metrics).toMatch(/registry_requests_total\{method="POST",route="\/subgraphs\/:name",status="401",service="registry"\} 1/);
    expect(metrics).toContain('registry_request_duration_seconds_bucket');
    expect((await fetch(`${started.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${started.url}/health/ready`)).status).toBe(200);
  });
});
