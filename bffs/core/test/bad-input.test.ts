import { once } from 'node:events';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { REPO_ROOT } from '@bff/platform';
import type { BffDefinition, BffMode } from '../src';
import { sha256Hex, type PersistedQueryManifest } from '@bff/formats';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

/**
 * Bad input against both BFFs, in both modes: every case is answered with a 4xx (the APQ
 * miss excepted: a 200 by protocol) and a stable `extensions.code`, never a 5xx, never a
 * stack trace, never a hang; and the BFF keeps serving afterwards. Requests go out through
 * node:http, byte for byte as written here (fetch would add a content-type of its own).
 * The README's "Bad input and its answers" table is this table.
 */

type ClientName = 'web' | 'mobile';
type TargetKey = `${ClientName}/${BffMode}`;

interface Target {
  key: TargetKey;
  client: ClientName;
  mode: BffMode;
  definition: BffDefinition;
  /** The mobile app in production: query text is refused before anything looks at it. */
  hashOnly: boolean;
}

interface RawRequest {
  method: string;
  /** Query string parameters (objects are JSON-encoded), or a ready-made `?…`. */
  params?: Record<string, unknown> | string;
  headers?: Record<string, string>;
  body?: string;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: any;
}

type Expected = readonly [status: number, code: string];

interface Case {
  name: string;
  request: (target: Target) => RawRequest | Promise<RawRequest>;
  /** One answer for all, or per client and/or client/mode (the most specific wins). */
  expect: Expected | Partial<Record<TargetKey | ClientName | 'all', Expected>>;
  /** Response headers the answer must carry. */
  headers?: Record<string, RegExp>;
  /** Extra `extensions` the first error must carry. */
  extensions?: Record<string, unknown>;
  /** Only for these targets (others have nothing to refuse). */
  only?: (target: Target) => boolean;
}

const TARGETS: Target[] = (
  [
    ['web', 'development', webBff],
    ['web', 'production', webBff],
    ['mobile', 'development', mobileBff],
    ['mobile', 'production', mobileBff],
  ] as const
).map(([client, mode, definition]) => ({ key: `${client}/${mode}`, client, mode, definition, hashOnly: client === 'mobile' && mode === 'production' }));

const ANSWER_TIMEOUT_MS = 20_000;
const TEN_MB = 10 * 1024 * 1024;

const manifest = JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases/1.1.0.json'), 'utf8')) as PersistedQueryManifest;
const manifestId = (name: string) => manifest.operations.find((op) => op.name === name)!.id;
const persisted = (sha256Hash: string, version: unknown = 1) => ({ persistedQuery: { version, sha256Hash } });

const PRODUCT_QUERY = /* GraphQL */ `query Product($id: ID!) { product(id: $id) { id name } }`;
/** An operation taking a required `$id: ID!`: by hash (ProductDetail) where only hashes run. */
const productOperation = (t: Target) => (t.hashOnly ? { extensions: persisted(manifestId('ProductDetail')) } : { query: PRODUCT_QUERY });
/** A mutation the caller could run over POST: by hash (PlaceOrder) where only hashes run. */
const mutationOperation = (t: Target) =>
  t.hashOnly
    ? { extensions: persisted(manifestId('PlaceOrder')), variables: { input: { idempotencyKey: 'get-mutation', lines: [{ productId: 'p-0001', quantity: 1 }] } } }
    : { query: /* GraphQL */ `mutation { cancelOrder(id: "o-does-not-matter") { id } }` };

const json = (value: unknown, headers: Record<string, string> = {}): RawRequest => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});
const raw = (body: string, contentType?: string, headers: Record<string, string> = {}): RawRequest => ({
  method: 'POST',
  headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
  body,
});
/** A GET as real clients send it: with Apollo's CSRF-preflight header. */
const get = (params: Record<string, unknown>, headers: Record<string, string> = {}): RawRequest => ({
  method: 'GET',
  params,
  headers: { 'apollo-require-preflight': 'true', ...headers },
});

const repeat = (n: number, make: (i: number) => string, separator = ' ') => Array.from({ length: n }, (_, i) => make(i)).join(separator);
/** `{ a { a { … } } }`, `depth` levels. */
const nested = (depth: number) => `${'{ a '.repeat(depth)}${'}'.repeat(depth)}`;

const BAD_REQUEST = [400, 'BAD_REQUEST'] as const;
const TOKENS = [400, 'TOKEN_LIMIT_EXCEEDED'] as const;
const VALIDATION = [400, 'GRAPHQL_VALIDATION_FAILED'] as const;
const DIRECTIVES = [400, 'DIRECTIVE_LIMIT_EXCEEDED'] as const;
const RESOLUTION = [400, 'OPERATION_RESOLUTION_FAILURE'] as const;
const BATCH = [400, 'BATCH_LIMIT_EXCEEDED'] as const;
/** The mobile app in production never gets its query text looked at. */
const TEXT_REFUSED = [400, 'PERSISTED_QUERY_REQUIRED'] as const;

const CASES: Case[] = [
  // The HTTP body and its type.
  { name: 'malformed JSON body', request: () => raw('{"query": ', 'application/json'), expect: BAD_REQUEST },
  { name: 'JSON body that is a number', request: () => raw('42', 'application/json'), expect: BAD_REQUEST },
  { name: 'JSON body that is a string', request: () => raw('"{ __typename }"', 'application/json'), expect: BAD_REQUEST },
  { name: 'JSON body that is null', request: () => raw('null', 'application/json'), expect: BAD_REQUEST },
  { name: 'empty JSON body', request: () => raw('', 'application/json'), expect: BAD_REQUEST },
  { name: 'content-type text/plain', request: () => raw('{"query":"{ __typename }"}', 'text/plain'), expect: BAD_REQUEST },
  {
    name: 'content-type text/plain with a preflight header',
    request: () => raw('{"query":"{ __typename }"}', 'text/plain', { 'apollo-require-preflight': 'true' }),
    expect: BAD_REQUEST,
  },
  { name: 'content-type application/x-www-form-urlencoded', request: () => raw('query=%7B__typename%7D', 'application/x-www-form-urlencoded'), expect: BAD_REQUEST },
  {
    name: 'content-type multipart/form-data',
    request: () => raw('--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ __typename }\r\n--x--\r\n', 'multipart/form-data; boundary=x'),
    expect: BAD_REQUEST,
  },
  { name: 'no content-type', request: () => raw('{"query":"{ __typename }"}'), expect: BAD_REQUEST },
  { name: 'method PUT', request: () => ({ ...json({ query: '{ __typename }' }), method: 'PUT' }), expect: [405, 'BAD_REQUEST'], headers: { allow: /POST/ } },
  {
    name: 'GET with a mutation, signed in',
    request: async (t) => get(mutationOperation(t), await bearer('u-001', ['orders:read', 'orders:write'])),
    expect: [405, 'BAD_REQUEST'],
    headers: { allow: /^POST$/ },
  },
  { name: 'GET with a mutation, anonymous', request: (t) => get(mutationOperation(t)), expect: [405, 'BAD_REQUEST'], headers: { allow: /^POST$/ } },
  {
    name: 'GET without a CSRF-preflight header',
    request: (t) => ({ method: 'GET', params: { ...productOperation(t), variables: { id: 'p-0001' } } }),
    expect: BAD_REQUEST,
  },
  { name: 'GET with a non-JSON content-type', request: (t) => get({ ...productOperation(t), variables: { id: 'p-0001' } }, { 'content-type': 'text/plain' }), expect: [415, 'BAD_REQUEST'] },
  { name: 'GET with "query" given twice', request: () => ({ ...get({}), params: '?query=%7B__typename%7D&query=%7B__typename%7D' }), expect: BAD_REQUEST },
  { name: 'GET with a 100,000-token query string', request: () => get({ query: `{ ${'a '.repeat(100_000)}}` }), expect: [431, 'BAD_REQUEST'] },

  // Size.
  {
    name: 'body just over maxBodyBytes',
    request: (t) => {
      // Padding is JSON whitespace: the body would be a valid request at any size.
      const base = JSON.stringify({ query: '{ __typename }' });
      return raw(base + ' '.repeat(t.definition.policy.limits.maxBodyBytes + 1 - base.length), 'application/json');
    },
    expect: [400, 'BODY_LIMIT_EXCEEDED'],
  },

  // Documents that do not parse, or cost more to look at than they are worth.
  { name: 'syntax error (unclosed selection)', request: () => json({ query: '{ product(id: "p-0001") { id }' }), expect: { all: [400, 'GRAPHQL_PARSE_FAILED'], 'mobile/production': TEXT_REFUSED } },
  { name: 'lexing error (unterminated string)', request: () => json({ query: '{ product(id: "p-0001) { id } }' }), expect: { all: [400, 'GRAPHQL_PARSE_FAILED'], 'mobile/production': TEXT_REFUSED } },
  {
    name: '2,000 aliases (tokens are counted first)',
    request: () => json({ query: `{ product(id: "p-0001") { ${repeat(2000, (i) => `a${i}: id`)} } }` }),
    expect: { all: TOKENS, 'mobile/production': TEXT_REFUSED },
  },
  {
    name: '1,000 × @include(if: true) on one field',
    request: () => json({ query: `{ __typename ${'@include(if: true) '.repeat(1000)}}` }),
    expect: { all: TOKENS, 'mobile/production': TEXT_REFUSED },
  },
  {
    name: '1,000 unknown directives on one field',
    request: () => json({ query: `{ __typename ${'@x '.repeat(1000)}}` }),
    expect: { web: DIRECTIVES, mobile: TOKENS, 'mobile/production': TEXT_REFUSED },
  },
  {
    name: '300 × @include(if: true), within the token limit',
    request: () => json({ query: `{ __typename ${'@include(if: true) '.repeat(300)}}` }),
    expect: { web: DIRECTIVES, mobile: TOKENS, 'mobile/production': TEXT_REFUSED },
  },
  {
    name: '100,000 tokens',
    request: () => json({ query: `{ ${'a '.repeat(100_000)}}` }),
    expect: { web: TOKENS, mobile: [400, 'BODY_LIMIT_EXCEEDED'] },
  },
  { name: 'depth 100', request: () => json({ query: nested(100) }), expect: { all: [400, 'DEPTH_LIMIT_EXCEEDED'], 'mobile/production': TEXT_REFUSED } },
  {
    name: 'depth 10,000',
    request: () => json({ query: `${'{a'.repeat(10_000)}${'}'.repeat(10_000)}` }),
    expect: { all: TOKENS, 'mobile/production': TEXT_REFUSED },
  },
  {
    name: 'fragment cycle A → B → A',
    request: () => json({ query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }' }),
    expect: { all: VALIDATION, 'mobile/production': TEXT_REFUSED },
  },
  {
    name: 'self-recursive fragment',
    request: () => json({ query: 'query { ...A } fragment A on Query { __typename ...A }' }),
    expect: { all: VALIDATION, 'mobile/production': TEXT_REFUSED },
  },

  // Operations and variables.
  { name: 'variable of the wrong type', request: (t) => json({ ...productOperation(t), variables: { id: { not: 'an id' } } }), expect: [400, 'BAD_USER_INPUT'] },
  { name: 'required variable missing', request: (t) => json(productOperation(t)), expect: [400, 'BAD_USER_INPUT'] },
  { name: 'variables a string', request: (t) => json({ ...productOperation(t), variables: '{"id":"p-0001"}' }), expect: BAD_REQUEST },
  { name: 'variables an array', request: (t) => json({ ...productOperation(t), variables: ['p-0001'] }), expect: BAD_REQUEST },
  { name: 'variables not an object, over GET', request: (t) => get({ ...productOperation(t), variables: '"p-0001"' }), expect: BAD_REQUEST },
  {
    name: 'operationName naming no operation',
    request: (t) => json({ ...productOperation(t), operationName: 'Nope', variables: { id: 'p-0001' } }),
    expect: RESOLUTION,
  },
  { name: 'operationName not a string', request: (t) => json({ ...productOperation(t), operationName: 7, variables: { id: 'p-0001' } }), expect: BAD_REQUEST },
  {
    name: 'two named operations, no operationName',
    request: () => json({ query: 'query A { __typename } query B { __typename }' }),
    expect: { all: RESOLUTION, 'mobile/production': TEXT_REFUSED },
  },
  {
    name: 'two anonymous operations',
    request: () => json({ query: '{ __typename } { __typename }' }),
    expect: { all: VALIDATION, 'mobile/production': TEXT_REFUSED },
  },
  {
    name: 'no operation at all (a lone fragment)',
    request: () => json({ query: 'fragment F on Query { __typename }' }),
    expect: { all: RESOLUTION, 'mobile/production': TEXT_REFUSED },
  },
  { name: 'query a number', request: () => json({ query: 42 }), expect: BAD_REQUEST },
  { name: 'query an object (a parsed AST)', request: () => json({ query: { kind: 'Document', definitions: [] } }), expect: BAD_REQUEST },

  // Batches.
  { name: 'batch of one to a client that does not batch', request: () => json([{ query: '{ __typename }' }]), expect: BATCH, only: (t) => t.client === 'web' },
  {
    name: 'batch one over maxBatchSize',
    request: (t) => json(Array(t.definition.policy.limits.maxBatchSize + 1).fill({ query: '{ __typename }' })),
    expect: BATCH,
  },
  { name: 'empty batch', request: () => json([]), expect: { web: BATCH, mobile: BAD_REQUEST } },
  {
    name: 'batch with a non-object item',
    request: (t) => json([{ ...productOperation(t), variables: { id: 'p-0001' } }, 42]),
    expect: { web: BATCH, mobile: BAD_REQUEST },
  },
  {
    name: 'batch with an item whose variables are a string',
    request: (t) => json([{ ...productOperation(t), variables: { id: 'p-0001' } }, { ...productOperation(t), variables: 'x' }]),
    expect: BAD_REQUEST,
    extensions: { batchIndex: 1 },
    only: (t) => t.client === 'mobile',
  },

  // Persisted queries.
  {
    name: 'unknown persisted-query hash',
    request: () => json({ extensions: persisted(sha256Hex('{ never registered }')) }),
    // Web: APQ's "send me the text" is a 200 by protocol.
    expect: { web: [200, 'PERSISTED_QUERY_NOT_FOUND'], mobile: [400, 'PERSISTED_QUERY_NOT_IN_LIST'] },
  },
  {
    name: 'unknown persisted-query hash, over GET',
    request: () => get({ extensions: persisted(sha256Hex('{ never registered either }')) }),
    expect: { web: [200, 'PERSISTED_QUERY_NOT_FOUND'], mobile: [400, 'PERSISTED_QUERY_NOT_IN_LIST'] },
    headers: { 'cache-control': /no-cache|no-store/ },
  },
  {
    name: 'query with a hash that is not its sha256',
    request: () => json({ query: '{ __typename }', extensions: persisted(sha256Hex('{ something else }')) }),
    expect: [400, 'PERSISTED_QUERY_HASH_MISMATCH'],
  },
  { name: 'malformed hash', request: () => json({ extensions: persisted('not-a-sha256') }), expect: BAD_REQUEST },
  { name: 'upper-case hash', request: () => json({ extensions: persisted(sha256Hex('{ __typename }').toUpperCase()) }), expect: BAD_REQUEST },
  { name: 'persisted-query version 2', request: () => json({ extensions: persisted(sha256Hex('{ __typename }'), 2) }), expect: BAD_REQUEST },
  { name: 'persistedQuery not an object', request: () => json({ extensions: { persistedQuery: 'abc' } }), expect: BAD_REQUEST },
  { name: 'documentId without the sha256: prefix', request: () => get({ documentId: manifestId('MobileFeed') }), expect: BAD_REQUEST },
  { name: 'documentId that is not a string', request: () => json({ documentId: 42 }), expect: BAD_REQUEST },
  { name: 'documentId and query together', request: () => json({ documentId: `sha256:${sha256Hex('{ __typename }')}`, query: '{ __typename }' }), expect: BAD_REQUEST },
  {
    name: 'documentId and a persistedQuery extension together',
    request: () => get({ documentId: `sha256:${manifestId('MobileFeed')}`, extensions: persisted(manifestId('MobileFeed')) }),
    expect: BAD_REQUEST,
  },
  { name: 'documentId twice in a GET', request: () => ({ ...get({}), params: `?documentId=sha256:${manifestId('MobileFeed')}&documentId=sha256:${manifestId('MobileFeed')}` }), expect: BAD_REQUEST },
  {
    name: 'documentId of an unknown operation',
    request: () => get({ documentId: `sha256:${sha256Hex('{ never registered by documentId }')}` }),
    expect: { web: [200, 'PERSISTED_QUERY_NOT_FOUND'], mobile: [400, 'PERSISTED_QUERY_NOT_IN_LIST'] },
  },

  // Credentials.
  {
    name: 'garbage bearer token',
    request: (t) => json({ ...productOperation(t), variables: { id: 'p-0001' } }, { authorization: 'Bearer garbage' }),
    expect: [401, 'UNAUTHENTICATED'],
    headers: { 'www-authenticate': /^Bearer/ },
  },
  {
    name: 'Authorization header without the Bearer scheme',
    request: (t) => json({ ...productOperation(t), variables: { id: 'p-0001' } }, { authorization: 'Basic dTpw' }),
    expect: [401, 'UNAUTHENTICATED'],
    headers: { 'www-authenticate': /^Bearer/ },
  },
];

function expectedFor(row: Case, t: Target): Expected {
  const { expect: e } = row;
  if (Array.isArray(e)) return e as unknown as Expected;
  const byKey = e as Partial<Record<TargetKey | ClientName | 'all', Expected>>;
  const found = byKey[t.key] ?? byKey[t.client] ?? byKey.all;
  if (!found) throw new Error(`case "${row.name}" has no expectation for ${t.key}`);
  return found;
}

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

/** Nothing from inside the server leaks: no stack, no source paths. */
function expectNoLeak(answer: Answer): void {
  expect(keysOf(answer.body).filter((k) => /stack|exception/i.test(k))).toEqual([]);
  expect(answer.text).not.toMatch(/\n?\s{4}at |\.ts:\d|\.js:\d|node_modules|[\\/]work[\\/]/);
}

function expectAnswer(answer: Answer, [status, code]: Expected, extensions: Record<string, unknown> = {}): void {
  expect(answer.status).toBeLessThan(500);
  expect(typeof answer.body).toBe('object'); // JSON, whatever went wrong
  const error = (Array.isArray(answer.body) ? answer.body[0] : answer.body)?.errors?.[0];
  expect({ status: answer.status, code: error?.extensions?.code }).toEqual({ status, code });
  expect(error.message).toEqual(expect.any(String));
  expect(error.extensions).toMatchObject(extensions);
  expectNoLeak(answer);
}

function searchOf(params: RawRequest['params']): string {
  if (params === undefined) return '';
  if (typeof params === 'string') return params;
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  return `?${search}`;
}

/**
 * One request on its own connection; resolves with the answer once it is complete, whether
 * or not the request body was finished (a server may answer early and close).
 */
function open(url: string, method: string, headers: Record<string, string>) {
  const target = new URL(url);
  const req = httpRequest({ host: target.hostname, port: Number(target.port), path: `${target.pathname}${target.search}`, method, headers, agent: false });
  let responded = false;
  const answered = new Promise<Answer>((resolveAnswer, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer to ${method} ${url} within ${ANSWER_TIMEOUT_MS} ms`));
    }, ANSWER_TIMEOUT_MS);
    req.on('response', (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: the assertions say so
        }
        resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        req.destroy();
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    req.on('error', (error) => {
      // Once the answer is in, the server closing on a body we were still sending is expected.
      if (responded) return;
      clearTimeout(timer);
      reject(error);
    });
  });
  return { req, answered };
}

async function send(url: string, request: RawRequest): Promise<Answer> {
  const { req, answered } = open(`${url}${searchOf(request.params)}`, request.method, request.headers ?? {});
  req.end(request.body);
  return answered;
}

/** Reads one HTTP/1.1 response (with a content-length, as every refusal has) from raw bytes. */
function parseResponse(bytes: Buffer): Answer | undefined {
  const split = bytes.indexOf('\r\n\r\n');
  if (split < 0) return undefined;
  const [statusLine, ...lines] = bytes.subarray(0, split).toString('latin1').split('\r\n');
  const headers: IncomingHttpHeaders = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length']);
  const rest = bytes.subarray(split + 4);
  if (!(rest.length >= length)) return undefined;
  const text = rest.subarray(0, length).toString('utf8');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the assertions say so
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, text, body };
}

/**
 * Streams a POST body of `total` bytes (a valid request padded with JSON whitespace, so
 * only its size can be wrong) over a raw socket, 64 KB at a time, with a content-length
 * (`declareLength`) or chunked. With `pauseForAnswer` it sends one chunk and waits for the
 * answer before going on. Keeps sending after the answer, until the server cuts it off or
 * the body is complete. (node:http's client stops writing once it has a response, so it
 * could not show what the server does with the rest.)
 */
async function streamBody(url: string, options: { total: number; declareLength: boolean; pauseForAnswer: boolean }) {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  await once(socket, 'connect');
  let received = Buffer.alloc(0);
  let sent = 0;
  let sentAtAnswer: number | undefined;
  let closed = false;
  let answer: Answer | undefined;
  const answered = new Promise<void>((resolveAnswer, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
    socket.on('data', (data: Buffer) => {
      sentAtAnswer ??= sent;
      received = Buffer.concat([received, data]);
      answer ??= parseResponse(received);
      if (answer) {
        clearTimeout(timer);
        resolveAnswer();
      }
    });
    socket.once('close', () => {
      closed = true;
      clearTimeout(timer);
      if (answer) resolveAnswer();
      else reject(new Error(`connection closed without an answer after ${sent} bytes`));
    });
  });
  answered.catch(() => undefined); // awaited below; do not let it count as unhandled meanwhile
  const closing = new Promise<void>((r) => socket.once('close', () => r()));
  socket.on('error', () => undefined); // being cut off shows as 'close'
  socket.write(
    `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\n` +
      `${options.declareLength ? `Content-Length: ${options.total}` : 'Transfer-Encoding: chunked'}\r\n\r\n`,
  );
  const frame = (bytes: Buffer) =>
    options.declareLength ? bytes : Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
  const padding = Buffer.alloc(64 * 1024, ' ');
  while (!closed && sent < options.total) {
    const piece = sent === 0 ? Buffer.concat([Buffer.from(JSON.stringify({ query: '{ __typename }' })), padding]) : padding.subarray(0, options.total - sent);
    const flowing = socket.write(frame(piece));
    sent += piece.length;
    if (options.pauseForAnswer && sent === piece.length) await answered;
    if (!flowing) await Promise.race([once(socket, 'drain').catch(() => undefined), closing]);
    await new Promise((r) => setImmediate(r));
  }
  if (!closed && !options.declareLength) socket.write('0\r\n\r\n');
  await answered;
  const cutOff = closed && sent < options.total;
  socket.destroy();
  return { answer: answer!, sentAtAnswer: sentAtAnswer!, sent, cutOff };
}

describe('bad input: 4xx with a stable code, never a 5xx or a stack trace', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  describe.each(TARGETS)('$key BFF', (target) => {
    let bff: TestBff;
    const logged: unknown[][] = [];
    let consoleError: jest.SpyInstance;
    beforeAll(async () => {
      bff = await stack.bff(target.definition, target.mode);
      // Bad input is the client's fault: nothing of it should be logged as unexpected.
      consoleError = jest.spyOn(console, 'error').mockImplementation((...args) => void logged.push(args));
    });
    afterAll(() => consoleError?.mockRestore());

    const rows = CASES.filter((row) => row.only?.(target) ?? true).map((row) => [row.name, row] as const);

    test.each(rows)('%s', async (_name, row) => {
      const answer = await send(bff.url, await row.request(target));
      expectAnswer(answer, expectedFor(row, target), row.extensions);
      for (const [name, pattern] of Object.entries(row.headers ?? {})) expect(answer.headers[name]).toMatch(pattern);
    });

    test('a 10 MB body with a content-length is answered before it is sent; the rest is cut off, not read', async () => {
      const { answer, sentAtAnswer, cutOff } = await streamBody(bff.url, { total: TEN_MB, declareLength: true, pauseForAnswer: true });
      expectAnswer(answer, [400, 'BODY_LIMIT_EXCEEDED']);
      expect(sentAtAnswer).toBeLessThanOrEqual(128 * 1024); // the first chunk, no more
      expect(cutOff).toBe(true);
    });

    test('a 10 MB chunked body is answered once past maxBodyBytes; the rest is cut off, not read', async () => {
      const { answer, sentAtAnswer, cutOff } = await streamBody(bff.url, { total: TEN_MB, declareLength: false, pauseForAnswer: false });
      expectAnswer(answer, [400, 'BODY_LIMIT_EXCEEDED']);
      expect(sentAtAnswer).toBeLessThan(TEN_MB);
      expect(cutOff).toBe(true);
    });

    test('a batch with a bad item runs none of its items', async () => {
      if (target.client === 'web') return; // web refuses every batch by its size
      const catalog = stack.subgraphs.catalog!;
      const before = catalog.receivedHeaders().length;
      const answer = await send(bff.url, json([{ ...productOperation(target), variables: { id: 'p-0001' } }, 42]));
      expectAnswer(answer, BAD_REQUEST, { batchIndex: 1 });
      // A good item handed on with a bad one would be run by Apollo in the background.
      await new Promise((r) => setTimeout(r, 300));
      expect(catalog.receivedHeaders().length).toBe(before);
    });

    test('afterwards it still answers a normal query and /health/live, and logged nothing as unexpected', async () => {
      const answer = await send(bff.url, json({ ...productOperation(target), variables: { id: 'p-0001' } }));
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.product.id).toBe('p-0001');
      expect((await send(bff.url.replace('/graphql', '/health/live'), { method: 'GET' })).status).toBe(200);
      expect(logged).toEqual([]);
    });
  });
});
