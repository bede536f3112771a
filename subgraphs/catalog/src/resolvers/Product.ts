import { ASSET_BASE_URL } from '@subgraphs/kit';
import { badUserInput } from '@bff/platform';
import { money } from '@bff/formats';
import type { CatalogContext } from '../context';
import type { ProductRow } from '../data/product-store';

type ProductReference = { id: string } | { sku: string };

export const Product = {
  // Two @keys: the gateway sends whichever one the calling subgraph knows.
  __resolveReference: (reference: ProductReference, context: CatalogContext) =>
    'id' in reference
      ? context.loaders.productById.load(reference.id)
      : context.loaders.productBySku.load(reference.sku),
  richDescription: (p: ProductRow) => p.rich_description,
  price: (p: ProductRow) => money(p.price_cents, p.currency),
  weightGrams: (p: ProductRow) => p.weight_grams,
  shippingClass: (p: ProductRow) => p.shipping_class,
  createdAt: (p: ProductRow) => p.created_at,
  images: (p: ProductRow, _args: unknown, context: CatalogContext) => context.loaders.imagesByProductId.load(p.id),
  category: (p: ProductRow, _args: unknown, context: CatalogContext) => context.loaders.categoryById.load(p.category_id),
  thumbnailUrl: async (p: ProductRow, args: { size?: number | null; dpr?: number | null }, context: CatalogContext) => {
    const size = args.size ?? 96;
    const dpr = args.dpr ?? 2;
    if (!Number.isInteger(size) || size < 16 || size > 1024) {
      throw badUserInput('size', `Argument "size" must be an integer from 16 to 1024, got ${size}.`);
    }
    if (!Number.isInteger(dpr) || dpr < 1 || dpr > 4) {
      throw badUserInput('dpr', `Argument "dpr" must be an integer from 1 to 4, got ${dpr}.`);
    }
    const [cover] = await context.loaders.imagesByProductId.load(p.id);
    const pixels = size * dpr;
    const path = cover?.path ?? '/products/placeholder.jpg';
    return `${ASSET_BASE_URL}${path}?w=${pixels}&h=${pixels}&fit=crop`;
  },
};
