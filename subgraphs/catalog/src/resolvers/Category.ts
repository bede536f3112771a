import { pageSize, toConnection, type PageArgs } from '@subgraphs/kit';
import type { CatalogContext } from '../context';
import type { CategoryRow } from '../data/category-store';
import { afterPosition, productCursor } from '../data/cursors';

export const Category = {
  __resolveReference: (reference: { id: string }, context: CatalogContext) => context.loaders.categoryById.load(reference.id),
  productCount: (c: CategoryRow, _args: unknown, context: CatalogContext) => context.loaders.productCountByCategoryId.load(c.id),
  products: async (c: CategoryRow, args: PageArgs, context: CatalogContext) => {
    const first = pageSize(args.first, 20);
    const after = args.after ?? null;
    afterPosition(after); // throws BAD_USER_INPUT on this field for a bad cursor
    const rows = await context.loaders.productPageByCategory.load({ ownerId: c.id, first, after });
    return toConnection(rows, first, productCursor, (row) => row);
  },
};
