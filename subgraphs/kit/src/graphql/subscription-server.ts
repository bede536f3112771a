import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GRAPHQL_PATH, type GraphQLHttpServer, type Rejection } from '@bff/platform';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

/** WebSocket close code for a server going away (RFC 6455): the gateway ends its clients' streams with an error they can retry. */
const GOING_AWAY = 1001;

export interface SubscriptionServer {
  /** Ends every subscription (the gateways see the connection close) and stops accepting new ones. */
  close(): Promise<void>;
}

/**
 * A subgraph's subscriptions, for its gateways: GraphQL over WebSocket (graphql-ws, the
 * `graphql-transport-ws` protocol, what Apollo Router speaks to subgraphs) at `/graphql` on
 * the subgraph's own HTTP server. The upgrade carries the gateway credential (checked like
 * any request's) and the caller's identity headers, read once per connection: a gateway
 * opens one connection per client subscription.
 */
export function attachSubscriptionServer(
  http: GraphQLHttpServer,
  schema: GraphQLSchema,
  admit: (req: IncomingMessage) => Rejection | undefined,
  /** The context of one subscription; `closed` resolves when its connection has closed. */
  contextOf: (req: IncomingMessage, closed: Promise<void>) => object,
): SubscriptionServer {
  const sockets = new WebSocketServer({ noServer: true });
  const served = useServer(
    { schema, context: (ctx) => contextOf(ctx.extra.request, new Promise<void>((resolve) => ctx.extra.socket.once('close', () => resolve()))) as Record<string, unknown> },
    sockets,
  );
  let closing = false;
  const refuse = (socket: Duplex, status: number, reason: string, body = '') => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  http.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (closing || http.draining()) return refuse(socket, 503, 'Service Unavailable');
    if (new URL(req.url ?? '/', 'http://subgraph').pathname !== GRAPHQL_PATH) return refuse(socket, 404, 'Not Found');
    const refused = admit(req);
    if (refused) return refuse(socket, refused.status, 'Unauthorized', JSON.stringify({ errors: [{ message: refused.message, extensions: { code: refused.code } }] }));
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });
  return {
    close: async () => {
      closing = true;
      for (const client of sockets.clients) client.close(GOING_AWAY, 'The subgraph is shutting down');
      await served.dispose();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}
