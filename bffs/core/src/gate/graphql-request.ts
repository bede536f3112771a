import type { HTTPGraphQLRequest } from '@apollo/server';

/** One GraphQL operation request, however it arrived (POST body, batch item, GET parameters). */
export interface OperationRequest {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown> & { persistedQuery?: { version?: number; sha256Hash?: string } };
}

export type ParsedRequest =
  | { kind: 'single'; operation: OperationRequest }
  | { kind: 'batch'; operations: OperationRequest[] }
  /** Something Apollo answers itself with its own 400 (wrong shape, wrong method…). */
  | { kind: 'passthrough' };

export class MalformedRequestError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function jsonParameter(params: URLSearchParams, name: string): Record<string, unknown> | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new MalformedRequestError(`The "${name}" query parameter is not valid JSON.`);
  }
  if (value !== null && !isObject(value)) throw new MalformedRequestError(`The "${name}" query parameter must be a JSON object.`);
  return value ?? undefined;
}

function operationOf(value: Record<string, unknown>): OperationRequest {
  return {
    query: typeof value.query === 'string' ? value.query : undefined,
    operationName: typeof value.operationName === 'string' ? value.operationName : undefined,
    variables: isObject(value.variables) ? value.variables : undefined,
    extensions: isObject(value.extensions) ? value.extensions : undefined,
  };
}

export function parseGraphQLRequest(request: HTTPGraphQLRequest): ParsedRequest {
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.search);
    return {
      kind: 'single',
      operation: {
        query: params.get('query') ?? undefined,
        operationName: params.get('operationName') ?? undefined,
        variables: jsonParameter(params, 'variables'),
        extensions: jsonParameter(params, 'extensions'),
      },
    };
  }
  if (request.method !== 'POST') return { kind: 'passthrough' };
  if (Array.isArray(request.body)) {
    if (!request.body.every(isObject)) return { kind: 'passthrough' };
    return { kind: 'batch', operations: (request.body as Record<string, unknown>[]).map(operationOf) };
  }
  return isObject(request.body) ? { kind: 'single', operation: operationOf(request.body) } : { kind: 'passthrough' };
}

/** Puts (possibly rewritten) operations back into the shape Apollo reads. */
export function rebuildRequest(request: HTTPGraphQLRequest, parsed: ParsedRequest): HTTPGraphQLRequest {
  if (parsed.kind === 'passthrough') return request;
  if (request.method === 'GET' && parsed.kind === 'single') {
    const params = new URLSearchParams();
    const { query, operationName, variables, extensions } = parsed.operation;
    if (query !== undefined) params.set('query', query);
    if (operationName !== undefined) params.set('operationName', operationName);
    if (variables !== undefined) params.set('variables', JSON.stringify(variables));
    if (extensions !== undefined && Object.keys(extensions).length > 0) params.set('extensions', JSON.stringify(extensions));
    return { ...request, search: `?${params.toString()}` };
  }
  return { ...request, body: parsed.kind === 'batch' ? parsed.operations.map(compact) : compact(parsed.operation) };
}

/** Apollo checks present keys (`extensions: undefined` is "not an object"), so drop absent ones. */
function compact(operation: OperationRequest): Record<string, unknown> {
  // Object.entries skips symbol keys, so internal markers never reach Apollo.
  return Object.fromEntries(Object.entries(operation).filter(([, value]) => value !== undefined));
}
