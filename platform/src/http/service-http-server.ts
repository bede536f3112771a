import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '../errors';
import type { ServiceTelemetry } from '../observability/service-telemetry';
import { sendJsonError } from './json-error';

/** Where every service answers its probes and scrapes (Kubernetes and Prometheus point here). */
export const LIVENESS_PATH = '/health/live';
export const READINESS_PATH = '/health/ready';
export const METRICS_PATH = '/metrics';

/** A readiness answer with detail: `status` names the state (`ready`, `degraded`, …). */
export interface ReadinessReport {
  ready: boolean;
  status: string;
  [detail: string]: unknown;
}

export interface ServiceHttpServerOptions {
  /** Answers every request but the probes and the scrape; the service's own API. */
  route: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  /**
   * Readiness: true once the service can do its work (database reachable, etc.), or a
   * report whose other fields (say, each dependency's state) go into the probe's body.
   */
  isReady: () => Promise<boolean | ReadinessReport>;
  /** Logs and metrics (served at /metrics). */
  telemetry: ServiceTelemetry;
}

export interface ServiceHttpServer {
  readonly server: Server;
  readonly telemetry: ServiceTelemetry;
  /** True once `close` has begun: replies tell keep-alive clients to go elsewhere. */
  draining(): boolean;
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, waits for in-flight requests (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * What every service's HTTP server does besides its API, on plain `node:http`: liveness,
 * readiness (with a timeout, and not ready while draining), Prometheus metrics, a graceful
 * drain, malformed HTTP answered on its socket, and keep-alive outliving a gateway's. An
 * error a route did not handle is logged and answered 500; it never takes the process down.
 */
export function createServiceHttpServer(options: ServiceHttpServerOptions): ServiceHttpServer {
  const { telemetry } = options;
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

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
      default:
        return options.route(req, res, url);
    }
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
    draining: () => draining,
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
