import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceTelemetry } from '../observability/service-telemetry';
import { createStaticSiteServer } from './static-site-server';
import type { ServiceHttpServer } from './service-http-server';

const MULTIPART = 'multipart/mixed; boundary="-"; deferSpec=20220824';

/** A reply in parts (@defer) passes through the site's proxy part by part, never held until the upstream ends. */
describe('static site server: /graphql passed through', () => {
  let root: string;
  let upstream: Server;
  let site: ServiceHttpServer;
  let siteUrl: string;
  /** The upstream's reply in progress: the test writes its later parts. */
  let open: ServerResponse | undefined;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'site-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>site</title>');
    upstream = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': MULTIPART, 'cache-control': 'no-store' });
      res.write('\r\n---\r\ncontent-type: application/json; charset=utf-8\r\n\r\n{"data":{"product":{"id":"p-1"}},"hasNext":true}');
      open = res;
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    site = createStaticSiteServer({ root, proxy: [{ prefix: '/graphql', target }], telemetry: ServiceTelemetry.quiet('site') });
    siteUrl = await site.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await site?.close(0);
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  test('the first part reaches the browser while the upstream still holds the rest', async () => {
    // A proxy that buffered the reply would deliver nothing (not even its headers) until the upstream ends, which it does only below.
    const deadline = AbortSignal.timeout(5_000);
    const response = await fetch(`${siteUrl}/graphql?operationName=ProductPage`, { headers: { accept: 'multipart/mixed;deferSpec=20220824,application/json' }, signal: deadline });
    expect(response.headers.get('content-type')).toBe(MULTIPART);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('"hasNext":true')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    expect(received).toContain('{"data":{"product":{"id":"p-1"}},"hasNext":true}');

    open!.end('\r\n---\r\ncontent-type: application/json; charset=utf-8\r\n\r\n{"hasNext":false}\r\n-----\r\n');
    for (let next = await reader.read(); !next.done; next = await reader.read()) received += decoder.decode(next.value, { stream: true });
    expect(received.endsWith('{"hasNext":false}\r\n-----\r\n')).toBe(true);
  });
});
