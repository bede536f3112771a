/**
 * The `fetch` of the app's HTTP links: every request leaves in the BFF's shortest
 * persisted-document form, and none leaves with query text.
 *
 * Apollo's PersistedQueryLink names an operation as
 * `extensions={"persistedQuery":{"version":1,"sha256Hash":"…"}}`, percent-encoded on a GET;
 * the BFF also takes GraphQL-over-HTTP's `documentId=sha256:<hex>`. `operationName` goes
 * too: the id names the operation, and the BFF logs it under its manifest name. The feed's
 * GET request line is 155 bytes so, against 253 as Apollo writes it.
 */
export function documentIdFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  try {
    if (typeof input !== 'string') throw new Error('documentIdFetch: expected the URL string an Apollo HTTP link passes');
    if (init.method === 'GET') return fetch(documentIdUrl(input), init);
    if (typeof init.body !== 'string') throw new Error('documentIdFetch: expected a JSON body');
    return fetch(input, { ...init, body: documentIdBody(init.body) });
  } catch (error) {
    return Promise.reject(error);
  }
}

/** One operation as Apollo's links serialise it (a POST body item, or a GET's parameters). */
interface ApolloRequest {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: { persistedQuery?: { sha256Hash?: string } } & Record<string, unknown>;
}

interface DocumentIdRequest {
  documentId: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

/** Thrown instead of sending a request that carries a query's text or lacks its hash: a bug of this build, never sent. */
export class NotHashOnlyError extends Error {
  override name = 'NotHashOnlyError';
}

function toDocumentId({ query, variables, extensions = {} }: ApolloRequest): DocumentIdRequest {
  if (query !== undefined) throw new NotHashOnlyError('Refusing to send query text: this app sends persisted operations by id only.');
  const { persistedQuery, ...otherExtensions } = extensions;
  if (!persistedQuery?.sha256Hash) throw new NotHashOnlyError('An operation without a persisted-query hash cannot be sent.');
  return {
    documentId: `sha256:${persistedQuery.sha256Hash}`,
    ...(variables && Object.keys(variables).length > 0 && { variables }),
    ...(Object.keys(otherExtensions).length > 0 && { extensions: otherExtensions }),
  };
}

function documentIdUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const params = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  const json = (name: string) => {
    const value = params.get(name);
    return value === null ? undefined : JSON.parse(value);
  };
  const request = toDocumentId({ query: params.get('query') ?? undefined, variables: json('variables'), extensions: json('extensions') });
  // The hash is hex, and ':' may stand unescaped in a query string.
  const search = [`documentId=${request.documentId}`];
  if (request.variables) search.push(`variables=${encodeURIComponent(JSON.stringify(request.variables))}`);
  if (request.extensions) search.push(`extensions=${encodeURIComponent(JSON.stringify(request.extensions))}`);
  return `${path}?${search.join('&')}`;
}

/** A POST body: one operation, or a batch of them (BatchHttpLink). */
function documentIdBody(body: string): string {
  const parsed = JSON.parse(body) as ApolloRequest | ApolloRequest[];
  return JSON.stringify(Array.isArray(parsed) ? parsed.map(toDocumentId) : toDocumentId(parsed));
}
