/**
 * Valid queries over the domain schema that measure exactly N on one limit and stay
 * small on the others, for "just under / just over" tests.
 */

/** Leaves by the type they close, with the depth each adds. */
const LEAVES: Record<string, Record<number, string>> = {
  Product: { 1: 'id', 2: 'price { amountCents }', 3: 'reviews(first: 1) { pageInfo { hasNextPage } }' },
  Category: { 1: 'id' },
  Connection: { 2: 'pageInfo { hasNextPage }' },
};

/** Exactly `depth` levels: product → category → products → nodes → category → … → a leaf. */
export function queryOfDepth(depth: number): string {
  if (depth < 2) throw new Error('depth must be at least 2');
  const cycle = [
    { open: 'category', type: 'Category' },
    { open: 'products(first: 1)', type: 'Connection' },
    { open: 'nodes', type: 'Product' },
  ] as const;
  const opened = ['product(id: "p-0001")'];
  let type: string = 'Product';
  for (let level = 1; level < depth; level++) {
    const leaf = LEAVES[type]![depth - level];
    if (leaf) return wrap(opened, leaf);
    const next = cycle[(level - 1) % cycle.length]!;
    opened.push(next.open);
    type = next.type;
  }
  throw new Error(`no query of depth ${depth}`);
}

/** A query one level deeper than `depth` allows (the extra level is a plain field). */
export const queryOverDepth = (depth: number) => queryOfDepth(depth + 1);

function wrap(fields: string[], leaf: string): string {
  return `{ ${fields.map((f) => `${f} {`).join(' ')} ${leaf} ${'}'.repeat(fields.length)} }`;
}

/** `aliases` aliased scalar fields under one root field. */
export const queryWithAliases = (aliases: number) =>
  `{ product(id: "p-0001") { ${Array.from({ length: aliases }, (_, i) => `a${i}: id`).join(' ')} } }`;

/** Exactly `directives` directives: the same field, `@include`d, written that many times. */
export const queryWithDirectives = (directives: number) =>
  `{ product(id: "p-0001") { ${Array.from({ length: directives }, () => 'id @include(if: true)').join(' ')} } }`;

/** `roots` root fields (each aliased, each costing 1). */
export const queryWithRootFields = (roots: number) =>
  `{ ${Array.from({ length: roots }, (_, i) => `r${i}: product(id: "p-0001") { id }`).join(' ')} }`;

/**
 * Exactly `tokens` lexical tokens, as nested inline fragments (5 tokens each:
 * `... on Product {` `}`) around one `id`, plus up to 4 more `id`s. Base:
 * `{ product ( id : "p-0001" ) { id } }` is 11 tokens. (Thousands of repeated fields would
 * trip graphql-js's own overlap budget instead of our limit.)
 */
export function queryWithTokens(tokens: number): string {
  const nesting = Math.floor((tokens - 11) / 5);
  const extraIds = (tokens - 11) % 5;
  if (nesting < 0) throw new Error('too few tokens');
  const ids = Array(1 + extraIds).fill('id').join(' ');
  return `{ product(id: "p-0001") { ${'... on Product { '.repeat(nesting)}${ids}${' }'.repeat(nesting)} } }`;
}

/**
 * A query whose estimated cost is exactly `cost`, using at most `maxRoots` root fields:
 * lists of products with their reviews (`1 + a·(2 + b)` each, a and b at most 100, the
 * subgraphs' page limit), topped up with single products (1 each).
 */
export function queryWithCost(cost: number, maxRoots: number): string {
  const roots: string[] = [];
  let remaining = cost;
  while (remaining > maxRoots - roots.length && roots.length < maxRoots) {
    let a = 100;
    let b = Math.min(100, Math.floor((remaining - 1) / a) - 2);
    if (b < 0) {
      b = 0;
      a = Math.min(100, Math.floor((remaining - 1) / 2));
    }
    if (a < 1) break;
    roots.push(`l${roots.length}: products(first: ${a}) { nodes { reviews(first: ${b}) { nodes { id } } } }`);
    remaining -= 1 + a * (2 + b);
  }
  if (remaining < 0 || remaining > maxRoots - roots.length) throw new Error(`cannot reach cost ${cost} with ${maxRoots} roots`);
  for (let i = 0; i < remaining; i++) roots.push(`p${i}: product(id: "p-0001") { id }`);
  return `{ ${roots.join(' ')} }`;
}
