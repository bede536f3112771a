import { badUserInput } from '@bff/platform';

/**
 * Relay-style cursor pagination shared by every connection. Cursors are opaque to
 * clients (base64url of `kind:value,value`), carry the sort key of the last row seen so
 * pages stay stable while rows are added, and name the connection they belong to so a
 * review cursor cannot be replayed against a product list.
 */
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Edge<Node> {
  cursor: string;
  node: Node;
}

export interface Connection<Node> {
  edges: Edge<Node>[];
  nodes: Node[];
  pageInfo: PageInfo;
}

export function encodeCursor(kind: string, values: readonly (string | number)[]): string {
  return Buffer.from(`${kind}:${values.join(',')}`, 'utf8').toString('base64url');
}

/** Returns the cursor's values, or throws BAD_USER_INPUT naming `argument`. */
export function decodeCursor(kind: string, cursor: string, arity: number, argument = 'after'): string[] {
  const invalid = () =>
    badUserInput(argument, `Argument "${argument}" is not a valid cursor for this list; use a cursor this list returned.`);
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw invalid();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `${kind}:`;
  // Control characters (NUL in particular) never appear in a cursor we issued, and PostgreSQL refuses NUL.
  if (!text.startsWith(prefix) || /[\u0000-\u001f]/.test(text)) throw invalid();
  const values = text.slice(prefix.length).split(',');
  if (values.length !== arity || values.some((v) => v.length === 0)) throw invalid();
  return values;
}

/** Validates `first` and returns the page size to use. */
export function pageSize(first: number | null | undefined, fallback: number, argument = 'first'): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(argument, `Argument "${argument}" must be between 0 and ${MAX_PAGE_SIZE}, got ${first}.`);
  }
  return first;
}

/**
 * Builds a connection from rows fetched with `LIMIT size + 1`: the extra row, if present,
 * only tells us that a next page exists.
 */
export function toConnection<Row, Node>(
  rows: readonly Row[],
  size: number,
  cursorOf: (row: Row) => string,
  nodeOf: (row: Row) => Node,
): Connection<Node> {
  const page = rows.slice(0, size);
  const edges = page.map((row) => ({ cursor: cursorOf(row), node: nodeOf(row) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

/** For cursors that hold one non-negative integer (a position or an offset). */
export function decodeIntCursor(kind: string, cursor: string | null | undefined, argument = 'after'): number {
  if (cursor === null || cursor === undefined) return 0;
  const [raw] = decodeCursor(kind, cursor, 1, argument);
  const value = Number(raw);
  if (!/^\d{1,9}$/.test(raw!)) {
    throw badUserInput(argument, `Argument "${argument}" is not a valid cursor for this list; use a cursor this list returned.`);
  }
  return value;
}
