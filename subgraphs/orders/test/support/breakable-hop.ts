import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the hop treats the next requests:
 * - `forward`: passes them through unchanged
 * - `drop`: closes the connection unanswered, as an outage does
 * - `hang`: never answers, as an overloaded service does
 * - `lose-answer`: forwards, lets the service act, then closes the connection before the
 *   answer: the caller cannot tell whether anything happened
 */
export type HopMode = 'forward' | 'drop' | 'hang' | 'lose-answer';

export interface BreakableHop {
  /** Base URL; the path of each request is forwarded as is. */
  url: string;
  mode: HopMode;
  stop(): Promise<void>;
}

/** An HTTP hop between two services that a test can break on purpose, to see what the caller does. */
export async function startBreakableHop(target: string): Promise<BreakableHop> {
  const hop: BreakableHop = { url: '', mode: 'forward', stop: async () => undefined };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const mode = hop.mode;
    if (mode === 'drop') return req.socket.destroy();
    if (mode === 'hang') return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
    }
    const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
    const body = await answer.text();
    if (mode === 'lose-answer') return req.socket.destroy();
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hop.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hop.stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return hop;
}
