import { pageSize, toConnection, type PageArgs } from '@subgraphs/kit';
import type { CatalogContext } from '../context';
import type { CategoryRow } from '../data/category-store';
import { afterPosition, productCursor } from './cursors';

export const Category = {
  __resolveReference: (reference: { id: string }, context: CatalogContext) => context.loaders.categoryById.load(reference.id),
  productCount: (c: CategoryRow, _args: unknown, context: CatalogContext) => context.loaders.productCountByCategoryId.load(c.id),
  products: async (c: CategoryRow, args: PageArgs, context: CatalogContext) => {
    const first = pageSize(args.first, 20);
    const after = args.after ?? null;
    const rows = await context.loaders.productPageByCategory.load({
      categoryId: c.id,
      first,
      after,
      afterPosition: afterPosition(after),
    });
    return toConnection(rows, first, productCursor, (row) => row);
  },
};
