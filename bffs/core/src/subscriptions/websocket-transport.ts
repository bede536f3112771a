import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { ErrorCode, GRAPHQL_PATH, type GraphQLHttpServer, type Rejection, type RequestTelemetry, type ServiceTelemetry } from '@bff/platform';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { FormattedExecutionResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Authenticator, VerifiedUser } from '../auth/authenticator';
import { contextFromRequest, CLIENT_NAME_HEADER, CLIENT_VERSION_HEADER } from '../server/context';
import { runOperation } from '../server/run-operation';
import type { Serving } from '../server/bff-request-handler';
import type { RateLimiter } from '../rate-limits/rate-limiter';
import { startSubscription, type SubscriptionReplica } from './start-subscription';

/** WebSocket close code of a server going away (RFC 6455): the client may connect again, elsewhere. */
const GOING_AWAY = 1001;
/** How long a drain waits for each subscription's `complete` to be sent before closing the sockets. */
const DRAIN_WAIT_MS = 2_000;

export interface WebSocketTransportOptions {
  http: GraphQLHttpServer;
  clientName: string;
  serving: () => Serving;
  authenticate: Authenticator;
  subscriptions: SubscriptionReplica;
  telemetry: ServiceTelemetry;
  /** Charges each operation's cost, as for HTTP requests. */
  rateLimiter?: RateLimiter;
}

export interface WebSocketTransport {
  /** Ends every operation with `complete` (the registry's drain), then closes the sockets as going away. */
  close(): Promise<void>;
}

/** What one connection knows: its caller (verified once, at `connection_init`), and how to stop each of its operations. */
interface ConnectionState {
  caller?: VerifiedUser | null;
  running: Map<string, { stop(): void; telemetry: RequestTelemetry }>;
}

/** What onSubscribe hands to graphql-ws's execute/subscribe: the operation's result, or its events. */
interface Prepared {
  result?: Record<string, unknown>;
  events?: AsyncIterable<string>;
}

/**
 * GraphQL over WebSocket (graphql-ws, the `graphql-transport-ws` protocol) at the BFF's
 * `/graphql`, for clients that keep one connection for many subscriptions. The caller is
 * authenticated once, from `connection_init`'s `authorization` (or the upgrade's header): a
 * bad token closes the connection (4403). Each `subscribe` message passes the same gate as
 * an HTTP request (limits, persisted queries, authorization) and runs like one; its events
 * are checked again as they go (delivered-events.ts), within the policy's limits per
 * connection and per user.
 */
export function attachWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const sockets = new WebSocketServer({ noServer: true });
  let running = 0;
  let allDone: (() => void) | undefined;
  const served = useServer<Record<string, unknown> | undefined, { state?: ConnectionState }>(
    {
      onConnect: async (ctx) => {
        const token = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const headers = { ...ctx.extra.request.headers, ...(typeof token === 'string' ? { authorization: token } : {}) };
        const caller = await options.authenticate({ headers } as IncomingMessage);
        if (caller && 'rejected' in caller) return false;
        ctx.extra.state = { caller, running: new Map() };
        return true;
      },
      onSubscribe: async (ctx, id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        const state = ctx.extra.state!;
        const caller = state.caller ?? null;
        if (caller?.expiresAt !== undefined && caller.expiresAt <= Date.now()) return [refusalError({ status: 401, code: ErrorCode.UNAUTHENTICATED, message: 'The token has expired; connect again with a new one.' })];
        const upgrade = ctx.extra.request;
        const request = graphQLRequest(upgrade, ctx.connectionParams, payload);
        const { state: current, execute } = options.serving();
        const admitted = await current.gate(request, caller);
        if ('rejected' in admitted) return [refusalError(admitted)];
        const [operation] = admitted.operations;
        if (!operation) return [refusalError({ status: 400, code: ErrorCode.BAD_REQUEST, message: 'No operation.' })];
        if ('failed' in operation) return operation.errors;
        if (options.rateLimiter) {
          const charged = await options.rateLimiter.charge(caller, upgrade, operation.cost);
          if ('rejected' in charged) return [refusalError(charged)];
        }
        const telemetry = options.telemetry.begin(upgrade);
        const context = contextFromRequest(upgrade, caller, telemetry, options.clientName);
        const prepared: Prepared = {};
        if (operation.definition.operation === 'subscription') {
          const started = await startSubscription(options.subscriptions, { operation, caller, connection: ctx.extra.socket, address: upgrade.socket.remoteAddress, execute, context, request, apiSchema: current.apiSchema });
          if ('rejected' in started) return ended(telemetry, [refusalError(started)]);
          if (!('stop' in started)) return ended(telemetry, errorsOf(started.body));
          state.running.set(id, { stop: started.stop, telemetry });
          prepared.events = started.events;
        } else {
          const answer = await runOperation(operation, { execute, context, request, usage: options.subscriptions.usage, apiSchema: current.apiSchema });
          state.running.set(id, { stop: () => undefined, telemetry });
          prepared.result = JSON.parse(answer.body) as Record<string, unknown>;
        }
        running += 1;
        return { schema: current.apiSchema, document: operation.document, contextValue: prepared, variableValues: operation.request.variables };
      },
      execute: (args) => (args.contextValue as Prepared).result as never,
      subscribe: (args) => parsed((args.contextValue as Prepared).events!) as never,
      // Results are formatted already (errors masked and coded by run-operation.ts): sent as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
      onComplete: (ctx, id) => finished(ctx.extra.state, id),
      onClose: (ctx) => {
        for (const id of [...(ctx.extra.state?.running.keys() ?? [])]) finished(ctx.extra.state, id);
      },
    },
    sockets,
  );
  const finished = (state: ConnectionState | undefined, id: string) => {
    const operation = state?.running.get(id);
    if (!operation) return;
    state!.running.delete(id);
    operation.stop();
    operation.telemetry.end(200);
    running -= 1;
    if (running === 0) allDone?.();
  };
  options.http.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (new URL(req.url ?? '/', 'http://bff').pathname !== GRAPHQL_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (options.http.draining()) return refuseUpgrade(socket, 503, 'Service Unavailable');
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });
  return {
    close: async () => {
      if (running > 0) {
        await Promise.race([new Promise<void>((resolve) => (allDone = resolve)), new Promise<void>((resolve) => setTimeout(resolve, DRAIN_WAIT_MS).unref())]);
      }
      for (const client of sockets.clients) client.close(GOING_AWAY, 'The BFF is shutting down; connect again');
      await served.dispose();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}

/**
 * A subscribe message as the HTTP request the gate reads: a POST of the payload, with the
 * client's name and version (an app's version picks its safelist) from the upgrade's headers
 * or, since a browser cannot set those on a WebSocket, from `connection_init`'s
 * `clientName` / `clientVersion`.
 */
function graphQLRequest(
  upgrade: IncomingMessage,
  connectionParams: Readonly<Record<string, unknown>> | undefined,
  payload: { query?: string; variables?: unknown; operationName?: string | null; extensions?: unknown },
): HTTPGraphQLRequest {
  const headers = new HeaderMap([['content-type', 'application/json']]);
  for (const [name, param] of [[CLIENT_NAME_HEADER, 'clientName'], [CLIENT_VERSION_HEADER, 'clientVersion']] as const) {
    const value = upgrade.headers[name] ?? connectionParams?.[param];
    if (typeof value === 'string') headers.set(name, value);
  }
  const body: Record<string, unknown> = { ...payload };
  // The protocol makes `query` a string; a persisted operation sends its id with an empty one.
  if (body.query === '' && body.extensions) delete body.query;
  if (body.operationName === null) delete body.operationName;
  return { method: 'POST', headers, search: '', body };
}

function refusalError(refusal: Pick<Rejection, 'message' | 'code' | 'details'> & { status: number }): GraphQLError {
  return new GraphQLError(refusal.message, { extensions: { code: refusal.code, ...refusal.details } });
}

function errorsOf(body: string): GraphQLError[] {
  const { errors } = JSON.parse(body) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return (errors ?? []).map((error) => new GraphQLError(error.message, { extensions: error.extensions }));
}

function ended(telemetry: RequestTelemetry, errors: GraphQLError[]): GraphQLError[] {
  telemetry.end(400);
  return errors;
}

async function* parsed(events: AsyncIterable<string>): AsyncGenerator<Record<string, unknown>> {
  for await (const event of events) yield JSON.parse(event) as Record<string, unknown>;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
