import type { WireRequest } from './operations';
import { dropKeys } from './operations';

export interface Reply {
  status: number;
  /** Body bytes. */
  bytes: number;
  body: unknown;
  text: string;
}

/** Sends one request the way the load generator will. */
export async function send(origin: string, request: WireRequest): Promise<Reply> {
  const response = await fetch(`${origin}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, bytes: Buffer.byteLength(text), body, text };
}

/**
 * What is wrong with a reply that should be a full success: an HTTP error, errors in any
 * result, or a result without data. `expectedResults` is the batch size (1: a single result).
 */
export function replyProblems(reply: Reply, expectedResults: number): string[] {
  const problems: string[] = [];
  if (reply.status !== 200) problems.push(`HTTP ${reply.status}`);
  if (reply.body === undefined) return [...problems, `not JSON: ${reply.text.slice(0, 200)}`];
  const results = expectedResults === 1 && !Array.isArray(reply.body) ? [reply.body] : reply.body;
  if (!Array.isArray(results) || results.length !== expectedResults) {
    return [...problems, `expected ${expectedResults === 1 ? 'one result' : `a batch of ${expectedResults} results`}, got ${reply.text.slice(0, 200)}`];
  }
  results.forEach((result, i) => {
    const at = expectedResults > 1 ? `result ${i}: ` : '';
    const { data, errors } = (result ?? {}) as { data?: unknown; errors?: { message?: string; extensions?: { code?: string } }[] };
    if (errors?.length) problems.push(`${at}errors: ${errors.map((e) => `${e.extensions?.code ?? ''} ${e.message ?? ''}`.trim()).join('; ')}`);
    if (!data || typeof data !== 'object' || !hasContent(data)) problems.push(`${at}no data`);
  });
  return problems;
}

/** True if some field down the tree holds a value (not null, not an empty list). */
function hasContent(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.some(hasContent);
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).some(hasContent);
  return true;
}

/** The data of a reply (one result, or a batch's results in order). */
export function replyData(body: unknown): unknown {
  if (Array.isArray(body)) return body.map((result) => (result as { data?: unknown }).data);
  return (body as { data?: unknown } | undefined)?.data;
}

/**
 * Where `candidate` first differs from `reference` (every field, every list item; key order
 * aside), once the fields only the reference has (by response key: the experience fields an
 * anchor on the domain supergraph cannot serve) are dropped from it; undefined if they agree.
 */
export function firstDifference(reference: unknown, candidate: unknown, referenceOnlyKeys: readonly string[] = []): string | undefined {
  return diff(referenceOnlyKeys.length ? dropKeys(reference, new Set(referenceOnlyKeys)) : reference, candidate, '');
}

function diff(a: unknown, b: unknown, path: string): string | undefined {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return `${path || '.'}: ${describe(a)} vs ${describe(b)}`;
    if (a.length !== b.length) return `${path || '.'}: ${a.length} items vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = diff(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const d = diff((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : `${path || '.'}: ${describe(a)} vs ${describe(b)}`;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'missing' : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
