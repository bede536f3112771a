import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders } from 'node:http';

/**
 * The floor of one more hop on this machine: a Node process that forwards each POST to the
 * subgraph (headers and body as they came, over a keep-alive agent), parses the reply and
 * serialises it again (the least any gateway does), and answers with it. The BFF overhead
 * row puts it between the direct call and the BFF, so what the extra process and loopback
 * hop cost by themselves is measured beside what the BFF adds on top.
 *
 * Run by the bench: `UPSTREAM=<subgraph origin> node --import tsx hop-floor-proxy.ts`;
 * it listens on a free port of 127.0.0.1 and sends `{ port }` over IPC when ready.
 */
const upstream = new URL(process.env.UPSTREAM ?? '');
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
    const forwarded = httpRequest({ agent, host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (reply) => {
      const replyChunks: Buffer[] = [];
      reply.on('data', (chunk: Buffer) => replyChunks.push(chunk));
      reply.on('end', () => {
        let out: Buffer;
        try {
          out = Buffer.from(JSON.stringify(JSON.parse(Buffer.concat(replyChunks).toString('utf8'))));
        } catch {
          out = Buffer.concat(replyChunks);
        }
        res.writeHead(reply.statusCode ?? 502, { 'content-type': reply.headers['content-type'] ?? 'application/json', 'content-length': out.length });
        res.end(out);
      });
    });
    forwarded.on('error', () => {
      res.writeHead(502).end();
    });
    forwarded.end(body);
  });
});

server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
// The bench's IPC channel closing means the bench is gone.
process.on('disconnect', () => process.exit(0));
