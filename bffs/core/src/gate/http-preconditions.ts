import type { HTTPGraphQLRequest } from '@apollo/server';
import { ErrorCode, rejection, type Rejection } from '@bff/platform';

export const APPLICATION_JSON = 'application/json; charset=utf-8';
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';

/** Headers only a script can set, which a browser therefore preflights: any of them proves the request is not a cross-site form post. */
export const CSRF_PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];
/** What an HTML form or a simple cross-site request can send without a preflight. */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * What a request must be before any GraphQL is looked at, as GraphQL-over-HTTP and Apollo's
 * clients have it: GET or POST; not a request a cross-site page could send (CSRF: a simple
 * content type and none of `preflightHeaders`); a GET has no body type but JSON; and the
 * caller accepts a JSON reply. Returns the reply's content type, or the refusal.
 */
export function httpPreconditions(request: HTTPGraphQLRequest, preflightHeaders: readonly string[]): { contentType: string; incremental: boolean; eventStream: boolean } | Rejection {
  if (request.method !== 'GET' && request.method !== 'POST') {
    return rejection(405, ErrorCode.BAD_REQUEST, `GraphQL is served over GET and POST, not ${request.method}.`, { headers: { allow: 'GET, POST' } });
  }
  const contentType = mediaType(request.headers.get('content-type'));
  if ((contentType === undefined || SIMPLE_CONTENT_TYPES.includes(contentType)) && !preflightHeaders.some((name) => request.headers.get(name))) {
    return rejection(
      400,
      ErrorCode.BAD_REQUEST,
      `This operation has been blocked as a potential Cross-Site Request Forgery (CSRF): send a content-type other than ${SIMPLE_CONTENT_TYPES.join(', ')}, or a non-empty ${preflightHeaders.join(' or ')} header.`,
    );
  }
  if (request.method === 'GET' && contentType !== undefined && contentType !== 'application/json') {
    return rejection(415, ErrorCode.BAD_REQUEST, 'GET requests may not have a content-type header other than application/json.');
  }
  const accept = request.headers.get('accept');
  if (acceptsEventStream(accept)) return { contentType: EVENT_STREAM, incremental: false, eventStream: true };
  const chosen = replyContentType(accept);
  if (!chosen) return rejection(406, ErrorCode.BAD_REQUEST, 'The accept header allows neither application/json nor application/graphql-response+json (nor text/event-stream).');
  return { contentType: chosen, incremental: acceptsIncremental(accept), eventStream: false };
}

/** The content type of GraphQL over Server-Sent Events (graphql-sse's "distinct connections mode"). */
export const EVENT_STREAM = 'text/event-stream; charset=utf-8';

/** Whether the caller reads GraphQL over SSE: its Accept header lists text/event-stream (q above 0). */
export function acceptsEventStream(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [range, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return range === 'text/event-stream' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** The content type of a reply in parts (@defer), as Apollo Server and Router send it and Apollo Client reads it. */
export const MULTIPART_DEFER = 'multipart/mixed; boundary="-"; deferSpec=20220824';

/**
 * Whether the caller reads a reply in parts: its Accept header lists multipart/mixed (q above
 * 0) with no deferSpec, or the 2022-08-24 one, the only format the BFF writes.
 */
export function acceptsIncremental(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [range, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (range !== 'multipart/mixed') return false;
    const spec = params.find((p) => p.startsWith('deferspec='));
    const q = params.find((p) => p.startsWith('q='));
    return (spec === undefined || spec === 'deferspec=20220824') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** `type/subtype` of a content type, lower-cased, without parameters. */
function mediaType(header: string | undefined): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

/**
 * The reply's content type for an Accept header: the JSON type with the higher quality, plain
 * JSON on a tie (what every client reads), none if the header excludes both.
 */
export function replyContentType(accept: string | undefined): string | undefined {
  if (!accept) return APPLICATION_JSON;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { range, q: q === undefined ? 1 : Number(q.slice(2)) || 0 };
  });
  const quality = (type: string) => {
    const [major] = type.split('/');
    const match =
      ranges.find((r) => r.range === type) ?? ranges.find((r) => r.range === `${major}/*`) ?? ranges.find((r) => r.range === '*/*');
    return match?.q ?? 0;
  };
  const json = quality('application/json');
  const graphqlResponse = quality('application/graphql-response+json');
  if (json <= 0 && graphqlResponse <= 0) return undefined;
  return graphqlResponse > json ? GRAPHQL_RESPONSE_JSON : APPLICATION_JSON;
}
