import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseUsageReport, UsageReportError } from '@bff/formats';
import { BodyAbortedError, BodyTooLargeError, createServiceHttpServer, discardRestOfBody, readBody, REQUEST_ID_HEADER, requestIdFrom, ServiceTelemetry, type Database } from '@bff/platform';
import * as store from './data/registry-store';
import { Registry, RegistryError } from './registry';
import { createUplink, persistedQueryListPath, type UplinkOptions } from './uplink';

export interface RegistryServerOptions {
  registry: Registry;
  db: Database;
  /** Bearer token every write must carry. */
  token: string;
  /**
   * Bearer token of the BFFs' usage reports (`POST /usage`): a token that can report usage
   * but not publish. The write token is accepted there too. @default only the write token
   */
  usageToken?: string;
  maxBodyBytes?: number;
  /** Logs (one JSON line per request, with its request id) and metrics. @default quiet: metrics at /metrics, no log lines */
  telemetry?: ServiceTelemetry;
  /** The Uplink endpoint (`POST /uplink`, uplink.ts): the delay routers are told to keep, an API key to require. */
  uplink?: Pick<UplinkOptions, 'minDelaySeconds' | 'apiKey'>;
}

export interface RegistryServer {
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, lets requests in flight finish (a publish is never cut off), then closes. */
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, params: string[], body: () => Promise<any>) => Promise<Reply>;
interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

const json = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({ status, json: value, headers });

/**
 * The registry's HTTP API: reads are open (BFFs poll them, with ETags), writes need the
 * bearer token. Errors are `{ "error": { "code", "message", … } }` with a fitting status.
 * Probes, metrics and the drain are every service's (platform's service HTTP server).
 */
export function createRegistryServer(options: RegistryServerOptions): RegistryServer {
  const { registry, db } = options;
  const telemetry = options.telemetry ?? ServiceTelemetry.quiet('registry');
  const writeToken = Buffer.from(options.token);
  const usageToken = options.usageToken ? Buffer.from(options.usageToken) : undefined;
  const bearer = (req: IncomingMessage) => Buffer.from((req.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
  const matches = (given: Buffer, expected: Buffer | undefined) => expected !== undefined && given.length === expected.length && timingSafeEqual(given, expected);
  const requireToken = (req: IncomingMessage) => {
    if (!req.headers.authorization) throw new RegistryError(401, 'UNAUTHENTICATED', 'Writes need "Authorization: Bearer <registry token>".');
    if (!matches(bearer(req), writeToken)) throw new RegistryError(403, 'FORBIDDEN', 'The registry token is not valid.');
  };
  const requireUsageToken = (req: IncomingMessage) => {
    if (!req.headers.authorization) throw new RegistryError(401, 'UNAUTHENTICATED', 'Usage reports need "Authorization: Bearer <usage token>".');
    const given = bearer(req);
    if (!matches(given, usageToken) && !matches(given, writeToken)) throw new RegistryError(403, 'FORBIDDEN', 'The usage token is not valid.');
  };
  const requireString = (value: unknown, name: string): string => {
    if (typeof value !== 'string' || !value.trim()) throw new RegistryError(400, 'BAD_REQUEST', `"${name}" must be a non-empty string.`);
    return value;
  };
  const etagged = (req: IncomingMessage, etag: string, reply: Reply): Reply => {
    const quoted = `"${etag}"`;
    if (req.headers['if-none-match'] === quoted) return { status: 304, headers: { etag: quoted } };
    return { ...reply, headers: { ...reply.headers, etag: quoted, 'cache-control': 'no-cache' } };
  };

  const uplink = createUplink({ db, registry, ...options.uplink });

  const routes: [string, RegExp, Handler][] = [
    // Apollo's Uplink protocol, for stock gateways and routers: each client's supergraph by graph ref.
    ['POST', /^\/uplink$/, async (req, _params, body) => uplink(await body(), `http://${req.headers.host ?? 'localhost'}`)],
    [
      'GET',
      /^\/clients\/([a-z0-9_-]+)\/persisted-query-list\/([0-9a-f]{64})$/,
      async (req, [client, id]) => {
        const list = await registry.persistedQueryList(client!);
        // A chunk is named by its content: an id that is not the current list's is gone (the router asks Uplink again).
        if (!list || list.id !== id) throw new RegistryError(404, 'NOT_FOUND', `No persisted-query list ${id} for "${client}" (${list ? 'it has changed since' : 'the client has none'})`);
        return etagged(req, list.id, { status: 200, json: list.manifest });
      },
    ],
    ['GET', /^\/subgraphs$/, async () => json(200, { subgraphs: (await store.latestSubgraphs(db)).map(({ sdl: _, ...row }) => row) })],
    [
      'GET',
      /^\/subgraphs\/([a-z0-9_-]+)$/,
      async (_req, [name]) => {
        const row = (await store.latestSubgraphs(db)).find((r) => r.subgraph === name);
        if (!row) throw new RegistryError(404, 'NOT_FOUND', `No subgraph "${name}"`);
        return json(200, row);
      },
    ],
    ['GET', /^\/subgraphs\/([a-z0-9_-]+)\/versions$/, async (_req, [name]) => json(200, { versions: await store.subgraphHistory(db, name!) })],
    [
      'POST',
      /^\/subgraphs\/([a-z0-9_-]+)$/,
      async (req, [name], body) => {
        requireToken(req);
        const input = await body();
        const result = await registry.publish({
          subgraph: name!,
          sdl: requireString(input?.sdl, 'sdl'),
          routingUrl: input?.routingUrl,
          publishedBy: requireString(input?.publishedBy, 'publishedBy'),
          force: input?.force === true,
          reason: input?.reason,
        });
        return json(201, result);
      },
    ],
    [
      'GET',
      /^\/clients\/([a-z0-9_-]+)\/supergraph$/,
      async (req, [client]) => {
        registry.requireClient(client!);
        const row = await store.currentClientSupergraph(db, client!);
        if (!row) throw new RegistryError(404, 'NOT_FOUND', `No supergraph for "${client}" yet`);
        return etagged(req, row.etag, { status: 200, text: row.supergraph_sdl, headers: { 'x-supergraph-version': String(row.version) } });
      },
    ],
    [
      'GET',
      /^\/clients\/([a-z0-9_-]+)\/api-schema$/,
      async (_req, [client]) => {
        registry.requireClient(client!);
        const row = await store.currentClientSupergraph(db, client!);
        if (!row) throw new RegistryError(404, 'NOT_FOUND', `No API schema for "${client}" yet`);
        return { status: 200, text: row.api_schema_sdl };
      },
    ],
    [
      'GET',
      /^\/clients\/([a-z0-9_-]+)\/manifests$/,
      async (req, [client]) => {
        const { etag, body } = await registry.activeManifests(client!);
        return etagged(req, etag, { status: 200, text: body, headers: { 'content-type': 'application/json' } });
      },
    ],
    [
      'PUT',
      /^\/clients\/([a-z0-9_-]+)\/manifests\/(\d+\.\d+\.\d+)$/,
      async (req, [client, version], body) => {
        requireToken(req);
        const input = await body();
        await registry.publishManifest(client!, version!, input?.manifest, requireString(input?.publishedBy, 'publishedBy'));
        return json(201, { client, appVersion: version });
      },
    ],
    [
      'POST',
      /^\/clients\/([a-z0-9_-]+)\/manifests\/(\d+\.\d+\.\d+)\/retire$/,
      async (req, [client, version], body) => {
        requireToken(req);
        const input = await body();
        const { traffic } = await registry.retireManifest(client!, version!, {
          retiredBy: requireString(input?.retiredBy, 'retiredBy'),
          force: input?.force === true,
          reason: typeof input?.reason === 'string' ? input.reason : undefined,
        });
        return json(200, { client, appVersion: version, retired: true, forcedOverTraffic: traffic.length > 0 });
      },
    ],
    [
      'POST',
      /^\/usage$/,
      async (req, _params, body) => {
        requireUsageToken(req);
        let report;
        try {
          report = parseUsageReport(await body());
        } catch (error) {
          if (error instanceof UsageReportError) throw new RegistryError(400, 'BAD_REQUEST', `Not a usage report: ${error.message}.`);
          throw error;
        }
        await registry.recordUsage(report);
        return json(202, { accepted: { operations: report.operations.length, usage: report.usage.length } });
      },
    ],
    [
      'GET',
      /^\/clients\/([a-z0-9_-]+)\/usage$/,
      async (req, [client]) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const days = url.searchParams.has('days') ? Number(url.searchParams.get('days')) : registry.trafficWindowDays;
        if (!Number.isInteger(days) || days < 1 || days > registry.usageRetentionDays) {
          throw new RegistryError(400, 'BAD_REQUEST', `"days" must be a whole number from 1 to ${registry.usageRetentionDays} (the retention window).`);
        }
        return json(200, { client, ...(await registry.traffic(client!, url.searchParams.get('appVersion') ?? undefined, days)) });
      },
    ],
    [
      'GET',
      /^\/check-runs$/,
      async (req) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
        const runs = await store.checkRuns(db, url.searchParams.get('subgraph') ?? undefined, limit);
        return json(200, { checkRuns: runs.map((r) => ({ ...r, report: JSON.parse(r.report) })) });
      },
    ],
  ];

  const requests = telemetry.metrics.counter('registry_requests_total', 'Requests to the registry API, by method, route and status.', ['method', 'route', 'status']);
  const requestSeconds = telemetry.metrics.histogram('registry_request_duration_seconds', 'Time to answer a registry API request, by method and route.', ['method', 'route']);

  const handle = async (req: IncomingMessage, matched: { route: string }): Promise<Reply> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const matching = routes.filter(([, pattern]) => pattern.test(path));
    if (matching.length === 0) throw new RegistryError(404, 'NOT_FOUND', `Nothing at ${path}`);
    const route = matching.find(([method]) => method === req.method);
    if (!route) throw new RegistryError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not supported at ${path}`);
    matched.route = routeName(route[1]);
    const params = route[1].exec(path)!.slice(1);
    const body = async () => {
      const text = await readBody(req, options.maxBodyBytes ?? 2 * 1024 * 1024);
      try {
        return text ? JSON.parse(text) : undefined;
      } catch {
        throw new RegistryError(400, 'BAD_REQUEST', 'Request body is not valid JSON.');
      }
    };
    return route[2](req, params, body);
  };

  const service = createServiceHttpServer({
    telemetry,
    isReady: () => db.ping().then(() => true),
    route: (req, res, url) => {
      const requestId = requestIdFrom(req.headers);
      const startedAt = performance.now();
      let code: string | undefined;
      // The route's pattern, not the path: callers choose paths, and metrics must stay bounded.
      const matched = { route: 'unmatched' };
      const send = (reply: Reply) => {
        const payload = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
        const type = reply.json !== undefined ? 'application/json' : 'text/plain; charset=utf-8';
        res.writeHead(reply.status, { 'content-type': type, [REQUEST_ID_HEADER]: requestId, ...reply.headers });
        res.end(reply.status === 304 ? undefined : payload);
      };
      // One JSON line per request, when it has been answered (or the caller went away).
      res.once('close', () => {
        const seconds = (performance.now() - startedAt) / 1000;
        const method = KNOWN_METHODS.has(req.method ?? '') ? req.method! : 'other';
        requests.inc({ method, route: matched.route, status: String(res.statusCode) });
        requestSeconds.observe({ method, route: matched.route }, seconds);
        const line = { reqId: requestId, method: req.method, path: url.pathname, route: matched.route, status: res.statusCode, ms: Math.round(seconds * 10_000) / 10, code };
        if (res.statusCode >= 500) telemetry.logger.error(line, 'request');
        else telemetry.logger.info(line, 'request');
      });
      return handle(req, matched)
        .then(send)
        .catch((error: unknown) => {
          if (error instanceof RegistryError) {
            code = error.code;
            return send(json(error.status, { error: { code: error.code, message: error.message, ...error.details } }));
          }
          if (error instanceof BodyTooLargeError) {
            code = 'BAD_REQUEST';
            send(json(413, { error: { code, message: error.message } }));
            return discardRestOfBody(req);
          }
          if (error instanceof BodyAbortedError) return void res.destroy();
          code = 'INTERNAL_SERVER_ERROR';
          telemetry.logger.error({ reqId: requestId, err: error, method: req.method, path: url.pathname }, 'unexpected error');
          send(json(500, { error: { code, message: 'Internal server error.', requestId } }));
        });
    },
  });
  return { listen: service.listen, close: () => service.close() };
}

const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']);

/** `/^\/clients\/([a-z0-9_-]+)\/usage$/` → `/clients/:name/usage`: a route's name for metrics and logs. */
function routeName(pattern: RegExp): string {
  return pattern.source
    .replace(/^\^|\$$/g, '')
    .replace(/\(\[a-z0-9_-\]\+\)/g, ':name')
    .replace(/\(\\d\+\\\.\\d\+\\\.\\d\+\)/g, ':version')
    .replace(/\(\[0-9a-f\]\{64\}\)/g, ':id')
    .replace(/\\\//g, '/');
}
