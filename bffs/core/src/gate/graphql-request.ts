import type { HTTPGraphQLRequest } from '@apollo/server';

/** One GraphQL operation request, however it arrived (POST body, batch item, GET parameters). */
export interface OperationRequest {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown> & { persistedQuery?: { version?: number; sha256Hash?: string } };
}

export type ParsedRequest = { kind: 'single'; operation: OperationRequest } | { kind: 'batch'; operations: OperationRequest[] };

/** A request the gate refuses before looking at any GraphQL (400 BAD_REQUEST). */
export class MalformedRequestError extends Error {
  constructor(
    message: string,
    /** Extra `extensions` (the index of the offending batch item). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The one value of a GET parameter; a repeated one is refused, not resolved by picking one. */
function singleParameter(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw new MalformedRequestError(`The "${name}" query parameter may only be given once.`);
  return values[0];
}

const DOCUMENT_ID = /^sha256:([a-f0-9]{64})$/;

/**
 * `documentId` (the GraphQL-over-HTTP persisted-documents form, `sha256:<hex>`) is the short
 * way to name a persisted operation: a GET of the mobile feed is ~140 bytes with it against
 * ~230 with the Apollo `extensions` JSON, which must be percent-encoded. It becomes the same
 * `extensions.persistedQuery` as Apollo's form, so everything after this sees one shape.
 */
function withDocumentId(operation: OperationRequest, documentId: string | undefined, details?: Record<string, unknown>): OperationRequest {
  if (documentId === undefined) return operation;
  const hash = DOCUMENT_ID.exec(documentId)?.[1];
  if (!hash) throw new MalformedRequestError('"documentId" must be "sha256:" followed by the 64 lower-case hex characters of the operation\'s sha256.', details);
  if (operation.query !== undefined) throw new MalformedRequestError('Send either "documentId" or "query", not both: a documentId names an operation the server already has.', details);
  if (operation.extensions?.persistedQuery !== undefined) {
    throw new MalformedRequestError('Send either "documentId" or extensions.persistedQuery, not both.', details);
  }
  return { ...operation, extensions: { ...operation.extensions, persistedQuery: { version: 1, sha256Hash: hash } } };
}

function jsonParameter(params: URLSearchParams, name: string): Record<string, unknown> | undefined {
  const raw = singleParameter(params, name);
  if (raw === undefined || raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new MalformedRequestError(`The "${name}" query parameter is not valid JSON.`);
  }
  if (value !== null && !isObject(value)) throw new MalformedRequestError(`The "${name}" query parameter must be a JSON object.`);
  return value ?? undefined;
}

/**
 * Reads one operation from a POST body object. A field of the wrong type is refused, never
 * dropped: dropping `variables: "…"` would run the operation with no variables at all.
 * `null` counts as absent, as in the GraphQL-over-HTTP spec.
 */
function operationOf(value: Record<string, unknown>, where: string, details?: Record<string, unknown>): OperationRequest {
  const field = <T>(name: string, ok: (v: unknown) => v is T, expected: string): T | undefined => {
    const v = value[name];
    if (v === undefined || v === null) return undefined;
    if (!ok(v)) throw new MalformedRequestError(`"${name}" in ${where} must be ${expected}.`, details);
    return v;
  };
  const isString = (v: unknown): v is string => typeof v === 'string';
  const operation = {
    query: field('query', isString, 'a string (the GraphQL document)'),
    operationName: field('operationName', isString, 'a string'),
    variables: field('variables', isObject, 'a JSON object'),
    extensions: field('extensions', isObject, 'a JSON object'),
  };
  return withDocumentId(operation, field('documentId', isString, 'a string ("sha256:<hex>")'), details);
}

export function parseGraphQLRequest(request: HTTPGraphQLRequest, options: { batching: boolean }): ParsedRequest {
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.search);
    const operation = {
      query: singleParameter(params, 'query'),
      operationName: singleParameter(params, 'operationName'),
      variables: jsonParameter(params, 'variables'),
      extensions: jsonParameter(params, 'extensions'),
    };
    return { kind: 'single', operation: withDocumentId(operation, singleParameter(params, 'documentId')) };
  }
  // Other methods are refused before this (http-preconditions.ts).
  if (request.method !== 'POST') throw new MalformedRequestError(`GraphQL is served over GET and POST, not ${request.method}.`);
  const { body } = request;
  if (Array.isArray(body)) {
    return {
      kind: 'batch',
      operations: body.map((item, batchIndex) => {
        // Refuse the whole batch: a client must not get half a screen silently.
        if (!isObject(item)) throw new MalformedRequestError(`Batch item ${batchIndex} is not a JSON object.`, { batchIndex });
        return operationOf(item, `batch item ${batchIndex}`, { batchIndex });
      }),
    };
  }
  if (isObject(body)) return { kind: 'single', operation: operationOf(body, 'the POST body') };
  const contentType = request.headers.get('content-type');
  const shape = `a JSON object${options.batching ? ' (or an array of them)' : ''} with "query" and/or a persisted-query extension`;
  throw new MalformedRequestError(
    contentType?.toLowerCase().includes('json')
      ? `The POST body must be ${shape}.`
      : `A POST body must be JSON (content-type: application/json), not ${contentType ? `"${contentType.split(';')[0]}"` : 'untyped'}: ${shape}.`,
  );
}
