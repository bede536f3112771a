import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

/** How the page should react to an error, from its `extensions.code` or HTTP status. */
export type ErrorKind = 'sign-in' | 'retry' | 'out-of-stock' | 'other';

export interface ClassifiedError {
  kind: ErrorKind;
  codes: string[];
  message: string;
  /** For OUT_OF_STOCK: the index of the order line that is short (from `input.lines[i].quantity`). */
  line?: number;
}

interface ErrorEntry {
  message?: string;
  extensions?: { code?: string; field?: string };
}

interface ErrorBody {
  errors?: ErrorEntry[];
}

/** Refusals that asking again (later) may fix: limits, overload, unavailable services. */
const RETRYABLE = new Set(['SUBGRAPH_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'COST_LIMIT_EXCEEDED', 'RATE_LIMITED', 'OVERLOADED']);

function bodyOf(error: unknown): ErrorBody {
  if (CombinedGraphQLErrors.is(error)) return { errors: error.errors.map((e) => ({ message: e.message, extensions: e.extensions as ErrorEntry['extensions'] })) };
  if (ServerError.is(error)) {
    try {
      return JSON.parse(error.bodyText) as ErrorBody;
    } catch {
      return {};
    }
  }
  return {};
}

export function classifyError(error: unknown): ClassifiedError {
  const errors = bodyOf(error).errors ?? [];
  const codes = errors.map((e) => e.extensions?.code ?? '').filter(Boolean);
  const message = errors[0]?.message ?? (error instanceof Error ? error.message : 'Something went wrong.');
  const status = ServerError.is(error) ? error.statusCode : undefined;
  if (codes.includes('UNAUTHENTICATED') || status === 401) return { kind: 'sign-in', codes, message };
  const short = errors.find((e) => e.extensions?.code === 'OUT_OF_STOCK');
  if (short) {
    const match = /lines\[(\d+)\]/.exec(short.extensions?.field ?? '');
    return { kind: 'out-of-stock', codes, message: short.message ?? message, line: match ? Number(match[1]) : undefined };
  }
  if ((status !== undefined && status >= 500) || status === 429 || codes.some((c) => RETRYABLE.has(c)) || (!ServerError.is(error) && !CombinedGraphQLErrors.is(error))) {
    return { kind: 'retry', codes, message };
  }
  return { kind: 'other', codes, message };
}

/** True when a partial answer lacks the data of one subgraph (the rest of the page is fine). */
export function missingParts(error: unknown, path: string): boolean {
  if (!CombinedGraphQLErrors.is(error)) return false;
  return error.errors.some((e) => e.path?.includes(path) && e.extensions?.code === 'SUBGRAPH_UNAVAILABLE');
}
