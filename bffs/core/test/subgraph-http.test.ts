import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyFetchFailure } from '../src/resilience/fetch-failure';
import { postGraphQL } from '../src/gateway/subgraph-http';

/** The subgraph HTTP client against a real server on 127.0.0.1: replies, deadlines, refused connections. */
describe('postGraphQL', () => {
  let server: Server;
  let url: string;
  const received: { body: string; headers: Record<string, unknown> }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        if (req.url === '/never') return; // holds the request open past any deadline
        res.setHeader('content-type', 'application/json');
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.setHeader('Cache-Control', 'max-age=30, public');
        // A byte order mark, then a body in two writes.
        res.write(Buffer.from([0xef, 0xbb, 0xbf]));
        res.write('{"data":{"name":"Grüße');
        res.end(' ★"}}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('sends the payload and headers, and answers status, lower-case headers (repeated ones as a list) and the body without its BOM', async () => {
    const reply = await postGraphQL(`${url}/graphql?x=1`, { 'content-type': 'application/json', 'x-gateway-credential': 'secret' }, '{"query":"{ name }"}', 5_000);
    expect(received.at(-1)).toMatchObject({ body: '{"query":"{ name }"}', headers: { 'x-gateway-credential': 'secret' } });
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('max-age=30, public');
    expect(reply.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(JSON.parse(reply.text)).toEqual({ data: { name: 'Grüße ★' } });
  });

  test('a reply past the deadline is a timeout, and the fetch is given up', async () => {
    const started = Date.now();
    const error = await postGraphQL(`${url}/never`, { 'content-type': 'application/json' }, '{}', 300).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(classifyFetchFailure(error)).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('a refused connection is a connection failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await postGraphQL(`http://127.0.0.1:${port}/graphql`, {}, '{}', 5_000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(classifyFetchFailure(error)).toBe('connection');
  });
});
