import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { ErrorCode } from '../errors';
import type { ServiceTelemetry } from '../observability/service-telemetry';
import { sendJsonError } from './json-error';
import { createServiceHttpServer, type ServiceHttpServer } from './service-http-server';

/** Requests under `prefix` go to `target` (an origin such as `http://127.0.0.1:4000`), path kept. */
export interface ProxyRoute {
  prefix: string;
  target: string;
}

export interface StaticSiteServerOptions {
  /** The built site (a Vite `dist/`): `index.html` plus hashed files under `assets/`. */
  root: string;
  /**
   * Paths served by another service on this origin, so the page calls its API same-origin:
   * no CORS to configure, and the API's cookies and CSRF rules see one site.
   */
  proxy: readonly ProxyRoute[];
  telemetry: ServiceTelemetry;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * What a browser is told about every page of the site: only this origin's scripts, no
 * framing, no content sniffing. Styles may be inline because React Native for Web writes
 * its style sheet at run time; images may come from any https CDN.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/** Hop-by-hop headers end at the proxy (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/**
 * A single-page app's server: the built files, the SPA's own routes answered with
 * `index.html`, and its API paths passed through to the service behind them. Vite names
 * every asset by its content hash, so those are cached for a year; `index.html` is checked
 * each time, so a new build is seen at the next navigation.
 */
export function createStaticSiteServer(options: StaticSiteServerOptions): ServiceHttpServer {
  const root = resolve(options.root);
  const indexFile = join(root, 'index.html');
  return createServiceHttpServer({
    telemetry: options.telemetry,
    isReady: async () => (await fileAt(indexFile)) !== undefined,
    route: async (req, res, url) => {
      const proxy = options.proxy.find((p) => url.pathname === p.prefix || url.pathname.startsWith(p.prefix.endsWith('/') ? p.prefix : `${p.prefix}/`));
      if (proxy) return forward(req, res, proxy.target);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return sendJsonError(res, 405, ErrorCode.BAD_REQUEST, `${req.method} is not allowed here.`, {}, { allow: 'GET, HEAD' });
      }
      const file = await fileFor(root, url.pathname);
      if (file) return sendFile(req, res, file, url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      // A path with a file extension names a file that is not there; anything else is one of the app's routes.
      if (extname(url.pathname) !== '') return sendJsonError(res, 404, ErrorCode.NOT_FOUND, `Nothing at ${url.pathname}.`);
      const index = await fileAt(indexFile);
      if (!index) return sendJsonError(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'The site has not been built yet.');
      return sendFile(req, res, index, 'no-cache');
    },
  });
}

interface SiteFile {
  path: string;
  size: number;
}

/** A regular file and its size, or undefined. */
async function fileAt(path: string): Promise<SiteFile | undefined> {
  try {
    const found = await stat(path);
    return found.isFile() ? { path, size: found.size } : undefined;
  } catch {
    return undefined;
  }
}

/** The file a URL path names inside `root`, or undefined; never a path outside it. */
async function fileFor(root: string, pathname: string): Promise<SiteFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const candidate = normalize(join(root, decoded));
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  return fileAt(candidate);
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: SiteFile, cacheControl: string): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': CONTENT_TYPES[extname(file.path)] ?? 'application/octet-stream',
    'content-length': file.size,
    'cache-control': cacheControl,
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file.path)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** Streams the request to `target` and its answer back, both ways without buffering. */
function forward(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
  const upstream = new URL(target);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  const forwardedFor = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${req.socket.remoteAddress ?? ''}` : (req.socket.remoteAddress ?? '');
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = 'http';
  headers.host = upstream.host;
  return new Promise((done) => {
    const outgoing = httpRequest(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (answer) => {
        const answerHeaders: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) answerHeaders[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, answerHeaders);
        answer.pipe(res);
        answer.on('end', done);
        answer.on('error', () => {
          res.destroy();
          done();
        });
      },
    );
    outgoing.on('error', () => {
      if (!res.headersSent) sendJsonError(res, 502, ErrorCode.SERVICE_UNAVAILABLE, `The service behind ${req.url?.split('?')[0] ?? ''} is not answering.`);
      else res.destroy();
      done();
    });
    // The browser went away: stop the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    req.pipe(outgoing);
  });
}
