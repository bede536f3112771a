import { Agent, createServer, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RoundRobin {
  /** The balancer's base URL, `http://127.0.0.1:<port>`; a request keeps its path and query. */
  url: string;
  /** Requests sent to each upstream so far, in the order the upstreams were given. */
  counts(): number[];
  close(): Promise<void>;
}

/** Names the upstream (its index) that answered, as a CDN's `x-served-by` does, so a test can see where a request went. */
export const SERVED_BY_HEADER = 'x-served-by';

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1). Each hop sets its
 * own: passing a client's `connection: close` on would defeat the keep-alive pool to the
 * upstreams, and Node frames the body itself (length or chunked) on each side.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = String(headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim());
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !listed.includes(name)));
}

/**
 * A load balancer small enough to read in a minute, for tests of replicas on one machine:
 * it listens on 127.0.0.1 (a free port) and sends each request to the next upstream in turn,
 * as a Kubernetes Service or an nginx `upstream` block would spread requests over pods.
 * Nothing is retried, nothing is sticky: which replica answers is deliberately not up to the
 * client, which is exactly what shared state has to survive.
 *
 * @param upstreams base URLs of the replicas (`http://127.0.0.1:4000`); any path in them is ignored.
 */
export async function startRoundRobin(upstreams: readonly string[]): Promise<RoundRobin> {
  if (upstreams.length === 0) throw new Error('a round-robin needs at least one upstream');
  const targets = upstreams.map((upstream) => new URL(upstream));
  const counts = targets.map(() => 0);
  let next = 0;
  // Reused connections to the replicas, as a real balancer keeps them; also keeps the test
  // from paying a TCP handshake per request.
  const agent = new Agent({ keepAlive: true });
  const clientSockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const index = next;
    next = (next + 1) % targets.length;
    counts[index]! += 1;
    const target = targets[index]!;
    const toUpstream = request(
      { agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers: endToEnd(req.headers) },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, { ...endToEnd(reply.headers), [SERVED_BY_HEADER]: String(index) });
        reply.pipe(res);
      },
    );
    toUpstream.on('error', (error) => {
      // Before the answer started: say so as a GraphQL client can read it. After: the only
      // honest signal left is to cut the connection, so the client sees a truncated reply.
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'application/json', [SERVED_BY_HEADER]: String(index) });
      res.end(JSON.stringify({ errors: [{ message: `Upstream ${index} (${target.host}) is unreachable: ${error.message}`, extensions: { code: 'BAD_GATEWAY' } }] }));
    });
    // A client that gives up should not leave a request running on the replica.
    res.on('close', () => {
      if (!res.writableFinished) toUpstream.destroy();
    });
    req.pipe(toUpstream);
  });
  server.on('connection', (socket) => {
    clientSockets.add(socket);
    socket.on('close', () => clientSockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => [...counts],
    close: () =>
      new Promise((resolve) => {
        // Clients (fetch) keep their connections to us alive; close() alone would wait for them.
        server.close(() => resolve());
        for (const socket of clientSockets) socket.destroy();
        agent.destroy();
      }),
  };
}
