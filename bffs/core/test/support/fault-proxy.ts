import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How the proxy treats the next requests:
 * - `pass`: forwards them to the subgraph;
 * - `reset`: cuts the connection without answering (a crashed or unreachable subgraph);
 * - `hang`: never answers (a stuck subgraph; only a deadline gets the caller out);
 * - `unavailable`: answers 503;
 * - `slow`: forwards them after `delayMs` (requests that stay in flight for a while);
 * - `held`: forwards them when the test calls `release()` (a reply that comes only when the test says).
 */
export type FaultMode = 'pass' | 'reset' | 'hang' | 'unavailable' | 'slow' | 'held';

export interface FaultProxy {
  /** The proxy's /graphql URL, to use in place of the subgraph's. */
  url: string;
  mode: FaultMode;
  /** How long `slow` holds each request. */
  delayMs: number;
  /** The next `count` requests get `mode`; after them, `pass` again. */
  failNext(count: number, mode: Exclude<FaultMode, 'pass'>): void;
  /** Requests that reached the proxy, whatever happened to them. */
  requests(): number;
  /** Forwards the requests `held` has kept, and passes the next ones. */
  release(): void;
  stop(): Promise<void>;
}

/**
 * A real HTTP proxy on 127.0.0.1 in front of one subgraph, which fails on command. Lets a
 * test make a subgraph down, stuck or failing, and back, without restarting anything.
 */
export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  let received = 0;
  let oneOff: { count: number; mode: Exclude<FaultMode, 'pass'> } | undefined;
  const sockets = new Set<Socket>();
  const held: (() => void)[] = [];
  const proxy: FaultProxy = {
    url: '',
    mode: 'pass',
    delayMs: 500,
    failNext: (count, mode) => (oneOff = { count, mode }),
    requests: () => received,
    release: () => {
      proxy.mode = 'pass';
      for (const forwardHeld of held.splice(0)) forwardHeld();
    },
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server = createServer((req, res) => {
    received += 1;
    let mode = proxy.mode;
    if (oneOff && oneOff.count > 0) {
      mode = oneOff.mode;
      oneOff.count -= 1;
    }
    switch (mode) {
      case 'pass':
        return forward(req, res);
      case 'reset':
        return req.socket.destroy();
      case 'hang':
        return req.resume();
      case 'slow':
        return void setTimeout(() => forward(req, res), proxy.delayMs);
      case 'held':
        return void held.push(() => forward(req, res));
      case 'unavailable':
        res.writeHead(503, { 'content-type': 'text/plain' });
        return res.end('down for maintenance');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  proxy.url = `http://127.0.0.1:${port}${target.pathname}`;
  return proxy;
}
