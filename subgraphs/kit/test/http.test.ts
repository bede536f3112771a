import { join } from 'node:path';
import { badUserInput, DEVELOPMENT_GATEWAY_SECRET, GATEWAY_CREDENTIAL_HEADER, migrate, readMigrations, metricValue } from '@bff/platform';
import { createSubgraphServer } from '../src';
import { disposeTestDatabase, openTestDatabase, CapturedLog, capturedTelemetry } from '@bff/platform/testing';
import { startTestSubgraph, type TestSubgraph } from '../src/testing';
import http from 'node:http';
import type { SubgraphContext, SubgraphDefinition } from '../src';

/** A minimal subgraph that exercises what the kit adds around GraphQL. */
const fixture: SubgraphDefinition<null> = {
  name: 'fixture',
  defaultPort: 0,
  schemaFile: join(__dirname, 'fixtures', 'schema.graphql'),
  migrationsDir: join(__dirname, 'fixtures', 'migrations'),
  seed: { version: '1', load: async () => undefined },
  createLoaders: () => null,
  resolvers: {
    Query: {
      echo: (_: unknown, args: { text: string }) => args.text,
      whoami: (_: unknown, __: unknown, context: SubgraphContext<null>) =>
        context.user ? `${context.user.id} [${[...context.user.scopes].join(',')}]` : null,
      broken: () => {
        throw new Error('connection to 10.0.0.7:5432 refused (password=hunter2)');
      },
      refused: () => {
        throw badUserInput('x', 'x is wrong');
      },
      slow: async (_: unknown, args: { ms: number }) => {
        await new Promise((r) => setTimeout(r, args.ms));
        return args.ms;
      },
      statements: async (_: unknown, args: { n: number }, context: SubgraphContext<null>) => {
        for (let i = 0; i < args.n; i++) await context.db.query('SELECT 1');
        return args.n;
      },
    },
  },
};

describe('subgraph HTTP server', () => {
  let server: TestSubgraph;
  const log = new CapturedLog();
  beforeAll(async () => {
    server = await startTestSubgraph(fixture, 'pglite', { telemetry: (name) => capturedTelemetry(name, log) });
  });
  afterAll(() => server?.stop());

  const credential = { [GATEWAY_CREDENTIAL_HEADER]: DEVELOPMENT_GATEWAY_SECRET };
  const raw = (path: string, init?: RequestInit) =>
    fetch(`${server.url}${path}`, { ...init, headers: { ...credential, ...(init?.headers as Record<string, string>) } });

  test('health: live always, ready when storage answers', async () => {
    expect(await (await raw('/health/live')).json()).toEqual({ status: 'live' });
    const ready = await raw('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
  });

  test('answers only requests that carry the gateway credential', async () => {
    const query = JSON.stringify({ query: '{ echo(text: "hi") }' });
    const attempts: Record<string, string>[] = [{}, { [GATEWAY_CREDENTIAL_HEADER]: 'guess' }, { [GATEWAY_CREDENTIAL_HEADER]: `${DEVELOPMENT_GATEWAY_SECRET}x` }];
    for (const headers of attempts) {
      const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: query });
      expect(response.status).toBe(401);
      expect(((await response.json()) as any).errors[0].extensions.code).toBe('GATEWAY_CREDENTIAL_INVALID');
    }
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    expect((await server.request('{ echo(text: "hi") }')).body.data).toEqual({ echo: 'hi' });
  });

  test('reads the forwarded user and scopes', async () => {
    const { body } = await server.request('{ whoami }', {}, { 'x-user-id': 'u-001', 'x-user-scopes': 'orders:read orders:write' });
    expect(body.data).toEqual({ whoami: 'u-001 [orders:read,orders:write]' });
    expect((await server.request('{ whoami }')).body.data).toEqual({ whoami: null });
  });

  test('counts SQL statements per request in a response header', async () => {
    expect((await server.request('{ statements(n: 3) }')).statements).toBe(3);
    expect((await server.request('{ echo(text: "no sql") }')).statements).toBe(0);
  });

  test('masks unexpected errors (logging them in full), passes deliberate ones through', async () => {
    const broken = await server.request('{ broken }', undefined, { 'x-request-id': 'req-broken-0001' });
    // The detail goes to the log, under the request's id; the response only says it happened.
    expect(log.of('fixture')).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'unexpected error', reqId: 'req-broken-0001', path: 'broken', err: expect.objectContaining({ message: expect.stringMatching(/hunter2/) }) }),
    );
    expect(broken.body.errors).toEqual([
      { message: 'Internal server error.', path: ['broken'], locations: [{ line: 1, column: 3 }], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(JSON.stringify(broken.body)).not.toMatch(/hunter2|10\.0\.0\.7|stacktrace/);
    const refused = await server.request('{ refused }');
    expect(refused.body.errors?.[0]).toMatchObject({ message: 'x is wrong', extensions: { code: 'BAD_USER_INPUT', field: 'x' } });
  });

  test('one JSON log line per request, with the caller\'s request id and client, its SQL count, and no credentials', async () => {
    const before = log.lines.length;
    const headers = { 'x-request-id': 'req-from-the-bff-42', 'apollographql-client-name': 'mobile', authorization: 'Bearer secret-token-value' };
    const answer = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...credential, ...headers },
      body: JSON.stringify({ query: 'query Three { statements(n: 3) }' }),
    });
    expect(answer.headers.get('x-request-id')).toBe('req-from-the-bff-42');
    const lines = log.lines.slice(before);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', service: 'fixture', msg: 'graphql request', reqId: 'req-from-the-bff-42', client: 'mobile', operation: 'Three', outcome: 'success', status: 200, sql: 3 }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/secret-token-value|Bearer|x-gateway-credential|development-gateway-secret/i);
    // A request id that could forge log lines or bloat them is replaced by a fresh one.
    const forged = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...credential, 'x-request-id': 'forged"} {"level":"fatal' },
      body: JSON.stringify({ query: '{ echo(text: "hi") }' }),
    });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('GET /metrics: operations by client, outcome and code, SQL statements per request, process metrics', async () => {
    const scrape = async () => (await raw('/metrics')).text();
    const delta = (before: string, after: string, name: string, labels: Record<string, string>) => metricValue(after, name, labels) - metricValue(before, name, labels);
    const before = await scrape();
    for (let i = 0; i < 3; i++) await server.request('query Two { statements(n: 2) }', undefined, { 'apollographql-client-name': 'web' });
    await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ echo(text: "x") }' }) });
    const after = await scrape();
    const two = { service: 'fixture', client_name: 'web', operation: 'Two' };
    expect(delta(before, after, 'graphql_operations_total', { ...two, outcome: 'success', code: '' })).toBe(3);
    expect(delta(before, after, 'graphql_operation_duration_seconds_count', { ...two, outcome: 'success' })).toBe(3);
    expect(delta(before, after, 'subgraph_sql_statements_per_request_sum', two)).toBe(6);
    expect(delta(before, after, 'subgraph_sql_statements_per_request_count', two)).toBe(3);
    expect(delta(before, after, 'graphql_operations_total', { outcome: 'rejected', code: 'GATEWAY_CREDENTIAL_INVALID' })).toBe(1);
    expect(metricValue(after, 'process_resident_memory_bytes', { service: 'fixture' })).toBeGreaterThan(0);
  });

  test('bad requests get 4xx with a code, and the server keeps serving', async () => {
    const badJson = await raw('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ errors: [{ message: 'Request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });

    const huge = await raw('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: /* GraphQL */ `{ echo(text: "${'x'.repeat(2 * 1024 * 1024)}") }` }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');

    const nowhere = await raw('/nope');
    expect(nowhere.status).toBe(404);

    const invalid = await server.request('{ nope }');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    expect((await server.request('{ echo(text: "still here") }')).body.data).toEqual({ echo: 'still here' });
  });
});

describe('graceful shutdown', () => {
  test('finishes in-flight requests and tells keep-alive clients to close', async () => {
    const db = await openTestDatabase('fixture', 'pglite');
    await migrate(db, readMigrations(fixture.migrationsDir), fixture.seed);
    const server = createSubgraphServer(fixture, db);
    const url = new URL(await server.listen(0, '127.0.0.1'));
    const agent = new http.Agent({ keepAlive: true });
    const post = (query: string) =>
      new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: '/graphql',
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', [GATEWAY_CREDENTIAL_HEADER]: DEVELOPMENT_GATEWAY_SECRET },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ query }));
      });
    try {
      expect((await post('{ echo(text: "warm") }')).connection).toBe('keep-alive');
      const inFlight = post('{ slow(ms: 300) }');
      await new Promise((r) => setTimeout(r, 50));
      const stopped = server.stop();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ data: { slow: 300 } });
      expect(answer.connection).toBe('close');
      await stopped;
    } finally {
      agent.destroy();
      await disposeTestDatabase(db);
    }
  });
});
