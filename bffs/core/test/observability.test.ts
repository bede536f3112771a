import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { REPO_ROOT, SpanKind, metricValue } from '@bff/platform';
import { CapturedLog, capturedTelemetry, startOtlpReceiver, type OtlpReceiver } from '@bff/platform/testing';
import { sha256Hex, type PersistedQueryManifest } from '@bff/formats';
import { clientOperation } from '@bff/schema';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

const HOME_PAGE = clientOperation('web', 'HomePage');
const manifest = JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases/1.1.0.json'), 'utf8')) as PersistedQueryManifest;
const feedId = manifest.operations.find((op) => op.name === 'MobileFeed')!.id;

/** Every service of the stack logs into one CapturedLog and exports its spans to one receiver. */
describe('observability: metrics, request logs and traces across the BFF and the subgraphs', () => {
  let stack: TestStack;
  let web: TestBff;
  let mobile: TestBff;
  let receiver: OtlpReceiver;
  const log = new CapturedLog();

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const telemetry = (service: string) => capturedTelemetry(service, log, { tracesUrl: receiver.tracesUrl });
    stack = await startTestStack({ telemetry });
    web = await stack.bff(webBff, 'production', { telemetry: telemetry('web-bff') });
    mobile = await stack.bff(mobileBff, 'production', { telemetry: telemetry('mobile-bff') });
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  const scrape = async (bff: TestBff) => (await fetch(bff.url.replace(/\/graphql$/, '/metrics'))).text();

  test('GET /metrics counts each request by client, version, operation, outcome and code, and by limit, persisted query and subgraph fetch', async () => {
    const app = { 'apollographql-client-name': 'web-app', 'apollographql-client-version': '7.1.0' };
    const before = await scrape(web);
    for (let i = 0; i < 3; i++) await web.post({ query: HOME_PAGE, operationName: 'HomePage', variables: { first: 2 } }, app);
    // 13 levels, a web page's worth of cost: only the depth limit (12) refuses it.
    const r = (inner: string) => `reviews(first: 1) { nodes { product { ${inner} } } }`;
    const tooDeep = await web.post({ query: `{ products(first: 1) { nodes { ${r(r(r(r('id'))))} } } }` }, app);
    expect(tooDeep.body.errors[0].extensions.code).toBe('DEPTH_LIMIT_EXCEEDED');
    // APQ: a miss, the registration, then a hit.
    const apqQuery = 'query ApqProbe { products(first: 1) { nodes { id } } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256Hex(apqQuery) } };
    expect((await web.post({ extensions }, app)).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await web.post({ query: apqQuery, extensions }, app)).body.data.products.nodes).toHaveLength(1);
    expect((await web.post({ extensions }, app)).body.data.products.nodes).toHaveLength(1);
    // Names that are not the client's registered operations fold into one series, however many there are.
    for (let i = 0; i < 3; i++) await web.post({ query: `query Random${i}x${Date.now()} { products(first: 1) { nodes { id } } }` }, app);
    const after = await scrape(web);

    const delta = (name: string, labels: Record<string, string>) => metricValue(after, name, labels) - metricValue(before, name, labels);
    const client = { service: 'web-bff', client_name: 'web-app' };
    expect(delta('graphql_operations_total', { ...client, client_version: '7.1.0', operation: 'HomePage', outcome: 'success', code: '' })).toBe(3);
    expect(delta('graphql_operation_duration_seconds_count', { ...client, operation: 'HomePage', outcome: 'success' })).toBe(3);
    expect(delta('graphql_operations_total', { ...client, operation: '__anonymous', outcome: 'rejected', code: 'DEPTH_LIMIT_EXCEEDED' })).toBe(1);
    expect(delta('bff_limit_rejections_total', { limit: 'depth' })).toBe(1);
    expect(delta('bff_persisted_queries_total', { result: 'miss' })).toBe(1);
    expect(delta('bff_persisted_queries_total', { result: 'registered' })).toBe(1);
    expect(delta('bff_persisted_queries_total', { result: 'hit' })).toBe(1);
    // The three Random… and the two answered ApqProbe: none is a registered web operation.
    expect(delta('graphql_operations_total', { ...client, operation: '__other', outcome: 'success' })).toBe(5);
    expect(after).not.toMatch(/operation="Random/);
    // HomePage fetches catalog, inventory and reviews: three fetches per request, each counted with its latency.
    for (const subgraph of ['catalog', 'inventory', 'reviews']) {
      expect(delta('bff_subgraph_fetch_duration_seconds_count', { subgraph, outcome: 'ok' })).toBeGreaterThanOrEqual(3);
    }
    expect(metricValue(after, 'process_resident_memory_bytes', { service: 'web-bff' })).toBeGreaterThan(0);

    // The subgraphs count their side: requests by calling client, and SQL statements per request.
    const catalogMetrics = await (await fetch(stack.subgraphUrls.catalog!.replace(/\/graphql$/, '/metrics'))).text();
    expect(metricValue(catalogMetrics, 'graphql_operations_total', { service: 'catalog', client_name: 'web-app', outcome: 'success' })).toBeGreaterThanOrEqual(3);
    expect(metricValue(catalogMetrics, 'subgraph_sql_statements_per_request_count', { service: 'catalog', client_name: 'web-app' })).toBeGreaterThanOrEqual(3);
  });

  test('the mobile BFF names persisted operations by their manifest name and counts safelist refusals', async () => {
    const before = await scrape(mobile);
    const app = { 'apollographql-client-name': 'mobile-app', 'apollographql-client-version': '1.1.0' };
    expect((await mobile.get({ documentId: `sha256:${feedId}`, variables: { first: 2 } }, app)).status).toBe(200);
    expect((await mobile.get({ documentId: `sha256:${'e'.repeat(64)}` }, app)).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const after = await scrape(mobile);
    const delta = (name: string, labels: Record<string, string>) => metricValue(after, name, labels) - metricValue(before, name, labels);
    expect(delta('graphql_operations_total', { client_name: 'mobile-app', client_version: '1.1.0', operation: 'MobileFeed', outcome: 'success' })).toBe(1);
    expect(delta('bff_persisted_queries_total', { result: 'hit' })).toBe(1);
    expect(delta('bff_persisted_queries_total', { result: 'not_in_list' })).toBe(1);
  });

  test('one request id, from the BFF\'s log line to every subgraph\'s, and no token in any line', async () => {
    const token = (await bearer('u-002', ['orders:read'])).authorization!;
    const headers = { authorization: token, 'x-request-id': 'trace-me-0001' };
    const answer = await web.post({ query: `query Mine { me { id orders(first: 2) { nodes { id } } } products(first: 2) { nodes { id name inStock ratingSummary { average } } } }` }, headers);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.headers.get('x-request-id')).toBe('trace-me-0001');

    const lines = log.lines.filter((line) => line.reqId === 'trace-me-0001');
    const services = lines.map((line) => line.service).sort();
    // The BFF's line, and one from each subgraph the plan fetched from.
    expect(services).toEqual(['accounts', 'catalog', 'inventory', 'orders', 'reviews', 'web-bff']);
    expect(lines.find((line) => line.service === 'web-bff')).toMatchObject({ msg: 'graphql request', operation: 'Mine', outcome: 'success', status: 200, fetches: 5 });
    for (const line of lines.filter((l) => l.service !== 'web-bff')) expect(line).toMatchObject({ msg: 'graphql request', outcome: 'success', sql: expect.any(Number) });
    expect(JSON.stringify(log.lines)).not.toContain(token.slice('Bearer '.length));
    expect(JSON.stringify(log.lines)).not.toMatch(/Bearer /);

    // Without an id from the caller, the BFF makes one and the subgraphs log that one.
    const anonymous = await web.post({ query: '{ products(first: 1) { nodes { id inStock } } }' });
    const id = anonymous.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(log.lines.filter((line) => line.reqId === id).map((line) => line.service).sort()).toEqual(['catalog', 'inventory', 'web-bff']);
  });

  test('one request, one trace: the BFF request, planning, each fetch, and each subgraph\'s request, resolvers and SQL', async () => {
    const answer = await web.post({ query: HOME_PAGE, operationName: 'HomePage', variables: { first: 3 } }, { 'x-request-id': 'trace-spans-0001' });
    expect(answer.body.errors).toBeUndefined();
    const services = ['web-bff', 'catalog', 'inventory', 'reviews'];
    // Spans are exported in batches; wait for the root and every subgraph's server span to arrive.
    const root = await eventually(() => receiver.spans.find((s) => s.service === 'web-bff' && s.attributes['http.request.id'] === 'trace-spans-0001'));
    const trace = await eventually(() => {
      const spans = receiver.spans.filter((s) => s.traceId === root.traceId);
      return services.every((service) => spans.some((s) => s.service === service && s.kind === SpanKind.SERVER + 1)) ? spans : undefined;
    });
    expect(receiver.problems).toEqual([]);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    expect(root.parentSpanId).toBeUndefined();
    expect(root).toMatchObject({ name: 'POST /graphql', attributes: expect.objectContaining({ 'graphql.operation.name': 'HomePage', 'http.response.status_code': 200 }) });
    expect(trace.find((s) => s.name === 'plan')).toMatchObject({ service: 'web-bff', parentSpanId: root.spanId });
    const fetches = trace.filter((s) => s.name.startsWith('fetch '));
    expect(fetches.map((s) => s.name).sort()).toEqual(['fetch catalog', 'fetch inventory', 'fetch reviews']);
    for (const fetchSpan of fetches) {
      expect(fetchSpan.parentSpanId).toBe(root.spanId);
      // The subgraph's request span continues the trace under the fetch that called it.
      const subgraph = fetchSpan.name.slice('fetch '.length);
      const server = trace.find((s) => s.service === subgraph && s.parentSpanId === fetchSpan.spanId);
      expect(server).toMatchObject({ name: 'POST /graphql' });
      const children = trace.filter((s) => s.parentSpanId === server!.spanId);
      expect(children.some((s) => s.name.startsWith('resolve '))).toBe(true);
      expect(children.filter((s) => s.name.startsWith('SQL ')).every((s) => s.attributes['db.system.name'] === 'postgresql')).toBe(true);
    }
    expect(trace.filter((s) => s.service === 'catalog' && s.name.startsWith('SQL ')).length).toBeGreaterThan(0);
    expect(trace.some((s) => s.name === 'resolve Query.products')).toBe(true);
    // Nothing in the trace is without its parent in the trace, except the root.
    for (const span of trace) if (span !== root) expect(byId.has(span.parentSpanId!)).toBe(true);
  });
});

async function eventually<T>(find: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('not there in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
