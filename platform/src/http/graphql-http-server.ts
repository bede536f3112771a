import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { ErrorCode } from '../errors';
import { REQUEST_ID_HEADER } from '../observability/request-id';
import { ServiceTelemetry, type RequestTelemetry } from '../observability/service-telemetry';
import { sendJsonError } from './json-error';
import { BodyAbortedError, BodyTooLargeError, discardRestOfBody, readBody } from './read-body';
import { createServiceHttpServer, type ReadinessReport, type ServiceHttpServer } from './service-http-server';

/** Where a GraphQL service answers GraphQL (the probes and the scrape: service-http-server.ts). */
export const GRAPHQL_PATH = '/graphql';

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
  /**
   * Takes a slot for a request that `admit` let through (a concurrency share), or refuses it;
   * the slot is given back when the response has gone or the connection closed.
   */
  admission?: (req: IncomingMessage) => (() => void) | Rejection;
  /** Other paths this service answers besides `/graphql`, by exact path. */
  routes?: Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>>;
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

export type GraphQLHttpServer = ServiceHttpServer;

/**
 * GraphQL at `/graphql`, on a service HTTP server (`/health/live`, `/health/ready`,
 * `/metrics`, graceful drain). The handler does the GraphQL part; this file only moves
 * bytes in and out, so nothing between the socket and the handler (no framework) costs time
 * per request.
 */
export function createGraphQLHttpServer(options: GraphQLHttpServerOptions): GraphQLHttpServer {
  const telemetry = options.telemetry ?? ServiceTelemetry.quiet(options.serviceName ?? 'graphql');
  const service: ServiceHttpServer = createServiceHttpServer({
    telemetry,
    isReady: options.isReady,
    route: async (req, res, url) => {
      const route = options.routes?.[url.pathname];
      if (route) return route(req, res);
      if (url.pathname !== GRAPHQL_PATH) return sendJsonError(res, 404, ErrorCode.BAD_REQUEST, `Nothing at ${url.pathname}; GraphQL is served at /graphql.`);
      const requestTelemetry = telemetry.begin(req);
      res.setHeader(REQUEST_ID_HEADER, requestTelemetry.id);
      res.on('close', () => requestTelemetry.end(res.statusCode));
      return serveGraphQL(req, res, url, requestTelemetry);
    },
  });

  const serveGraphQL = async (req: IncomingMessage, res: ServerResponse, url: URL, requestTelemetry: RequestTelemetry): Promise<void> => {
    const refuse = (status: number, code: ErrorCode, message: string, details?: Record<string, unknown>, headers?: Record<string, string>) => {
      requestTelemetry.refused(code);
      sendJsonError(res, status, code, message, details, headers);
    };
    const admitted = options.admit?.(req) ?? options.admission?.(req);
    if (admitted && typeof admitted !== 'function') {
      refuse(admitted.status, admitted.code, admitted.message, admitted.details, admitted.headers);
      // Drain the unread body so the socket stays usable, but only so much of it.
      return discardRestOfBody(req);
    }
    if (admitted) res.once('close', admitted);
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
    if (service.draining()) res.setHeader('connection', 'close');
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };

  return service;
}
