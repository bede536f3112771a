import { badUserInput } from '@bff/platform';
import { pageSize, toConnection, type PageArgs } from '@subgraphs/kit';
import type { CatalogContext } from '../context';
import { allCategories } from '../data/category-store';
import { productPage, searchProductPage } from '../data/product-store';
import { afterOffset, afterPosition, productCursor, searchCursor } from '../data/cursors';

const MAX_SEARCH_LENGTH = 200;

/** For `thing(id: …, slug: …)` lookups that take exactly one of two keys. */
function exactlyOne(args: Record<string, unknown>, a: string, b: string): void {
  const given = [a, b].filter((name) => args[name] !== null && args[name] !== undefined);
  if (given.length !== 1) {
    throw badUserInput(a, `Pass exactly one of "${a}" and "${b}", got ${given.length === 0 ? 'neither' : 'both'}.`);
  }
}

export const Query = {
  product: (_: unknown, args: { id?: string | null; sku?: string | null }, context: CatalogContext) => {
    exactlyOne(args, 'id', 'sku');
    return args.id != null ? context.loaders.productById.load(args.id) : context.loaders.productBySku.load(args.sku!);
  },
  products: async (_: unknown, args: PageArgs & { categoryId?: string | null }, context: CatalogContext) => {
    const first = pageSize(args.first, 20);
    const rows = await productPage(context.db, {
      categoryId: args.categoryId ?? null,
      afterPosition: afterPosition(args.after),
      limit: first + 1,
    });
    for (const row of rows) context.loaders.productById.prime(row.id, row);
    return toConnection(rows, first, productCursor, (row) => row);
  },
  searchProducts: async (_: unknown, args: PageArgs & { query: string }, context: CatalogContext) => {
    const query = args.query.trim();
    if (query.length === 0) throw badUserInput('query', 'Argument "query" must not be empty.');
    if (query.length > MAX_SEARCH_LENGTH) {
      throw badUserInput('query', `Argument "query" must be at most ${MAX_SEARCH_LENGTH} characters, got ${query.length}.`);
    }
    const first = pageSize(args.first, 20);
    const offset = afterOffset(args.after);
    const rows = await searchProductPage(context.db, { query, offset, limit: first + 1 });
    let index = offset;
    const ranked = rows.map((row) => ({ row, offset: ++index }));
    return toConnection(ranked, first, (r) => searchCursor(r.offset), (r) => r.row);
  },
  categories: (_: unknown, _args: unknown, context: CatalogContext) => allCategories(context.db),
  category: (_: unknown, args: { id?: string | null; slug?: string | null }, context: CatalogContext) => {
    exactlyOne(args, 'id', 'slug');
    return args.id != null ? context.loaders.categoryById.load(args.id) : context.loaders.categoryBySlug.load(args.slug!);
  },
};
