import { bulkInsert, type Seed } from '@bff/platform';
import { dataset } from '@subgraphs/kit';

export const catalogSeed: Seed = {
  version: '1',
  async load(tx) {
    const { categories, products, images } = dataset();
    await bulkInsert(
      tx,
      'categories',
      ['id', 'slug', 'name', 'description', 'position'],
      categories.map((c) => [c.id, c.slug, c.name, c.description, c.position]),
    );
    await bulkInsert(
      tx,
      'products',
      ['id', 'sku', 'name', 'description', 'rich_description', 'price_cents', 'currency', 'weight_grams', 'shipping_class', 'category_id', 'position', 'created_at'],
      products.map((p) => [p.id, p.sku, p.name, p.description, p.richDescription, p.priceCents, p.currency, p.weightGrams, p.shippingClass, p.categoryId, p.position, p.createdAt]),
    );
    await bulkInsert(
      tx,
      'product_images',
      ['id', 'product_id', 'position', 'path', 'width', 'height', 'alt'],
      images.map((i) => [i.id, i.productId, i.position, i.path, i.width, i.height, i.alt]),
    );
  },
};
