import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQL_STATEMENTS_HEADER } from '@subgraphs/kit';

export interface Counts {
  /** HTTP requests the gateway sent to the subgraph. */
  fetches: number;
  /** Sum of the subgraph's `x-sql-statements` response headers. */
  sqlStatements: number;
  /** Responses without the header (a count we could not read). */
  uncounted: number;
}

export interface CountingProxy {
  name: string;
  /** The proxy's GraphQL endpoint: what a gateway in the counting pass is pointed at. */
  url: string;
  counts(): Counts;
  reset(): void;
  close(): Promise<void>;
}

/** Hop-by-hop headers are the connection's own, not the message's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/**
 * A transparent HTTP proxy in front of one subgraph that counts the requests it forwards
 * and sums the SQL statements each answer reports. Only used in the counting pass, never in
 * front of a target under load: it would add a hop and CPU to every fetch.
 */
export async function startCountingProxy(name: string, upstreamUrl: string): Promise<CountingProxy> {
  const upstream = new URL(upstreamUrl);
  const agent = new Agent({ keepAlive: true });
  let counts: Counts = { fetches: 0, sqlStatements: 0, uncounted: 0 };
  const server = createServer((req, res) => {
    const isGraphQL = req.url?.split('?')[0] === upstream.pathname;
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...endToEnd(req.headers), host: upstream.host },
        agent,
      },
      (answer) => {
        if (isGraphQL) {
          counts.fetches += 1;
          const statements = Number(answer.headers[SQL_STATEMENTS_HEADER]);
          if (Number.isFinite(statements) && answer.headers[SQL_STATEMENTS_HEADER] !== undefined) counts.sqlStatements += statements;
          else counts.uncounted += 1;
        }
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`counting proxy for ${name}: ${error.message}`);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    counts: () => ({ ...counts }),
    reset: () => void (counts = { fetches: 0, sqlStatements: 0, uncounted: 0 }),
    close: () =>
      new Promise<void>((resolveClose) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/** Sum over several proxies (one per subgraph). */
export function totalCounts(proxies: readonly CountingProxy[]): Counts {
  return proxies.reduce<Counts>(
    (sum, proxy) => {
      const c = proxy.counts();
      return { fetches: sum.fetches + c.fetches, sqlStatements: sum.sqlStatements + c.sqlStatements, uncounted: sum.uncounted + c.uncounted };
    },
    { fetches: 0, sqlStatements: 0, uncounted: 0 },
  );
}
