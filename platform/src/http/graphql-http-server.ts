import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { ErrorCode } from '../errors';
import { REQUEST_ID_HEADER } from '../observability/request-id';
import { ServiceTelemetry, type RequestTelemetry } from '../observability/service-telemetry';
import { sendJsonError } from './json-error';
import { BodyAbortedError, BodyTooLargeError, discardRestOfBody, readBody } from './read-body';

/** Where every service answers what (Kubernetes probes and Prometheus scrapes point here). */
export const GRAPHQL_PATH = '/graphql';
export const LIVENESS_PATH = '/health/live';
export const READINESS_PATH = '/health/ready';
export const METRICS_PATH = '/metrics';

/**
 * Answers one GraphQL request (the body already read and, when JSON, parsed), or refuses it.
 * A subgraph's is Apollo Server (`apolloRequestHandler`); a BFF runs its own.
 */
export type GraphQLRequestHandler = (
  request: HTTPGraphQLRequest,
  req: IncomingMessage,
  telemetry: RequestTelemetry,
) => Promise<HTTPGraphQLResponse | Rejection>;

export interface GraphQLHttpServerOptions {
  handle: GraphQLRequestHandler;
  /** Logs, metrics and traces of this service. @default ServiceTelemetry.quiet (metrics only) */
  telemetry?: ServiceTelemetry;
  /** The service's name in its metrics and logs, when no `telemetry` is given. @default 'graphql' */
  serviceName?: string;
  /**
   * Readiness: true once the service can answer queries (database reachable, etc.), or a
   * report whose other fields (say, each dependency's state) go into the probe's body.
   */
  isReady: () => Promise<boolean | ReadinessReport>;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** How a too-large body is answered. @default { status: 413, code: BAD_REQUEST } */
  bodyLimitRejection?: { status: number; code: ErrorCode };
  /** Refuses a GraphQL request before its body is read (e.g. a missing gateway credential). */
  admit?: (req: IncomingMessage) => Rejection | undefined;
}

/** A readiness answer with detail: `status` names the state (`ready`, `degraded`, …). */
export interface ReadinessReport {
  ready: boolean;
  status: string;
  [detail: string]: unknown;
}

/** A request refused before any GraphQL runs: one GraphQL error with a stable code. */
export interface Rejection {
  rejected: true;
  status: number;
  code: ErrorCode;
  message: string;
  /** Extra `extensions` fields (e.g. the measured value and the limit). */
  details?: Record<string, unknown>;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** The operation refused, when known (for metrics and logs; never sent). */
  operationName?: string;
}

export function rejection(
  status: number,
  code: ErrorCode,
  message: string,
  extra: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Rejection {
  return { rejected: true, status, code, message, ...extra };
}

export const isRejection = (value: unknown): value is Rejection =>
  typeof value === 'object' && value !== null && (value as Rejection).rejected === true;

export interface GraphQLHttpServer {
  readonly server: Server;
  readonly telemetry: ServiceTelemetry;
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, waits for in-flight requests (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * GraphQL at `/graphql` plus `/health/live`, `/health/ready` and `/metrics` on plain
 * `node:http`. The handler does the GraphQL part; this file only moves bytes in and out, so
 * nothing between the socket and the handler (no framework) costs time per request.
 */
export function createGraphQLHttpServer(options: GraphQLHttpServerOptions): GraphQLHttpServer {
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const telemetry = options.telemetry ?? ServiceTelemetry.quiet(options.serviceName ?? 'graphql');

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    switch (url.pathname) {
      case LIVENESS_PATH:
        return sendHealth(res, 200, 'live');
      case METRICS_PATH: {
        const text = await telemetry.metrics.render();
        res.writeHead(200, { 'content-type': telemetry.metrics.contentType, 'cache-control': 'no-store' });
        return void res.end(text);
      }
      case READINESS_PATH: {
        const answer = draining ? false : await withTimeout(options.isReady(), READY_CHECK_TIMEOUT_MS).catch(() => false);
        const report: ReadinessReport = typeof answer === 'boolean' ? { ready: answer, status: answer ? 'ready' : 'not ready' } : answer;
        const { ready, ...body } = report;
        return sendHealth(res, ready ? 200 : 503, body);
      }
      case GRAPHQL_PATH: {
        const requestTelemetry = telemetry.begin(req);
        res.setHeader(REQUEST_ID_HEADER, requestTelemetry.id);
        res.on('close', () => requestTelemetry.end(res.statusCode));
        return serveGraphQL(req, res, url, requestTelemetry);
      }
      default:
        return sendJsonError(res, 404, ErrorCode.BAD_REQUEST, `Nothing at ${url.pathname}; GraphQL is served at /graphql.`);
    }
  };

  const serveGraphQL = async (req: IncomingMessage, res: ServerResponse, url: URL, requestTelemetry: RequestTelemetry): Promise<void> => {
    const refuse = (status: number, code: ErrorCode, message: string, details?: Record<string, unknown>, headers?: Record<string, string>) => {
      requestTelemetry.refused(code);
      sendJsonError(res, status, code, message, details, headers);
    };
    const refused = options.admit?.(req);
    if (refused) {
      refuse(refused.status, refused.code, refused.message, refused.details, refused.headers);
      // Drain the unread body so the socket stays usable, but only so much of it.
      return discardRestOfBody(req);
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, options.maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          const { status, code } = options.bodyLimitRejection ?? { status: 413, code: ErrorCode.BAD_REQUEST };
          // Answer at once; what is still coming is dropped, never buffered, and soon cut off.
          refuse(status, code, error.message);
          return discardRestOfBody(req);
        }
        if (error instanceof BodyAbortedError) return void res.destroy();
        throw error;
      }
      const contentType = headers.get('content-type') ?? '';
      if (contentType.includes('json') && text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          return refuse(400, ErrorCode.BAD_REQUEST, 'Request body is not valid JSON.');
        }
      } else {
        body = text;
      }
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      headers,
      search: url.search,
      body,
    };
    const result = await options.handle(httpGraphQLRequest, req, requestTelemetry);
    if (isRejection(result)) {
      requestTelemetry.requestedOperation ??= result.operationName;
      return refuse(result.status, result.code, result.message, result.details, result.headers);
    }
    for (const [name, value] of result.headers) res.setHeader(name, value);
    if (draining) res.setHeader('connection', 'close');
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const server = createServer((req, res) => {
    inFlight += 1;
    // While draining, tell keep-alive clients to stop reusing this socket, so closing it
    // afterwards cannot cut off a request they already sent on it.
    if (draining) res.setHeader('connection', 'close');
    res.on('close', () => {
      inFlight -= 1;
      if (draining && inFlight === 0) drained?.();
    });
    handle(req, res).catch((error: unknown) => {
      // Never let one request take the process down; log it and answer 500 if we still can.
      telemetry.logger.error({ err: error, method: req.method, path: req.url?.split('?')[0] }, 'unhandled error while serving a request');
      if (!res.headersSent) sendJsonError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error.');
      else res.destroy();
    });
  });
  // Malformed HTTP from a client: answer on that socket (in the same JSON shape as every
  // other refusal), keep serving the rest.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return void socket.destroy();
    socket.end(clientErrorResponse(error.code));
  });
  // Gateways keep connections alive; outlive their idle timeout so they never reuse a socket we just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  return {
    server,
    telemetry,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      }),
    close: async (graceMs = 10_000) => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The raw HTTP answer to a request Node could not parse; headers too large (a long GET URL) is 431. */
function clientErrorResponse(parserCode: string | undefined): string {
  const [status, reason, message] =
    parserCode === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request line and headers are too large; send a large query as a POST body.']
      : [400, 'Bad Request', 'The HTTP request is malformed.'];
  const body = JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.BAD_REQUEST } }] });
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** A readiness probe must answer even when the dependency it checks hangs. */
const READY_CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sendHealth(res: ServerResponse, status: number, state: string | Omit<ReadinessReport, 'ready'>): void {
  const body = JSON.stringify(typeof state === 'string' ? { status: state } : state);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body);
}
