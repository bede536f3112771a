import type { ShippingClass } from '../domain/shipping';
import { SeededRandom } from './random';
import { ADJECTIVES, CATEGORIES, FIRST_NAMES, LAST_NAMES, QUALITIES, REVIEW_TITLES } from './vocabulary';

/**
 * The shared, deterministic world the subgraphs are seeded from. Each subgraph seeds only
 * its own slice (accounts: users; catalog: categories and products; inventory: stock;
 * reviews: reviews; orders: its price list and past orders), and because every slice comes
 * from this one generator, the ids they share (`u-…`, `p-…`) line up across subgraphs the
 * way they would in production, where each service learns them from the others' events.
 */
export const DATASET_SIZES = { users: 50, productsPerCategory: 20, reviews: 2400, orders: 150 } as const;

/** Fixed "now" of the dataset, so dates do not depend on the day the seed runs. */
const EPOCH = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
export const ASSET_BASE_URL = 'https://cdn.example.com';

export type Tier = 'STANDARD' | 'SILVER' | 'GOLD' | 'PLATINUM';

export interface UserSeed {
  id: string;
  name: string;
  email: string;
  avatarPath: string;
  memberSince: Date;
  tier: Tier;
}

export interface CategorySeed {
  id: string;
  slug: string;
  name: string;
  description: string;
  position: number;
}

export interface ImageSeed {
  id: string;
  productId: string;
  position: number;
  path: string;
  width: number;
  height: number;
  alt: string;
}

export interface ProductSeed {
  id: string;
  sku: string;
  name: string;
  description: string;
  richDescription: string;
  priceCents: number;
  currency: string;
  weightGrams: number;
  shippingClass: ShippingClass;
  categoryId: string;
  position: number;
  createdAt: Date;
}

export interface StockSeed {
  productId: string;
  available: number;
  reserved: number;
  warehouse: string;
  restockDate: Date | null;
}

export interface ReviewSeed {
  id: string;
  productId: string;
  authorId: string;
  authorName: string;
  rating: number;
  title: string;
  body: string;
  createdAt: Date;
}

export interface OrderSeed {
  id: string;
  number: string;
  userId: string;
  idempotencyKey: string;
  status: 'PLACED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';
  placedAt: Date;
  lines: { productId: string; quantity: number; unitPriceCents: number }[];
}

export interface Dataset {
  users: UserSeed[];
  categories: CategorySeed[];
  products: ProductSeed[];
  images: ImageSeed[];
  stock: StockSeed[];
  reviews: ReviewSeed[];
  orders: OrderSeed[];
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function generateUsers(random: SeededRandom): UserSeed[] {
  const tiers: Tier[] = ['STANDARD', 'SILVER', 'GOLD', 'PLATINUM'];
  return Array.from({ length: DATASET_SIZES.users }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const last = LAST_NAMES[(i * 7) % LAST_NAMES.length]!;
    const id = `u-${pad(i + 1, 3)}`;
    return {
      id,
      name: `${first} ${last}`,
      email: `${first}.${last}.${i + 1}@example.com`.toLowerCase(),
      avatarPath: `/avatars/${id}.png`,
      memberSince: new Date(EPOCH - random.int(30, 8 * 365) * DAY),
      tier: tiers[random.weighted([60, 25, 10, 5])]!,
    };
  });
}

function generateCatalog(random: SeededRandom) {
  const categories: CategorySeed[] = CATEGORIES.map((c, i) => ({
    id: `c-${pad(i + 1, 2)}`,
    slug: c.slug,
    name: c.name,
    description: `Everything ${c.name.toLowerCase()}: ${c.nouns.slice(0, 3).join(', ').toLowerCase()} and more.`,
    position: i + 1,
  }));
  const products: ProductSeed[] = [];
  const images: ImageSeed[] = [];
  CATEGORIES.forEach((c, ci) => {
    for (let k = 0; k < DATASET_SIZES.productsPerCategory; k++) {
      const n = products.length + 1;
      const id = `p-${pad(n, 4)}`;
      const noun = c.nouns[k % c.nouns.length]!;
      const adjective = ADJECTIVES[(ci * 3 + k) % ADJECTIVES.length]!;
      const quality = random.pick(QUALITIES);
      const name = `${adjective} ${noun}`;
      const grams = random.int(c.grams[0], c.grams[1]);
      const cents = Math.round(random.int(c.cents[0], c.cents[1]) / 100) * 100 - 1;
      products.push({
        id,
        sku: `${c.prefix}-${pad(k + 1, 4)}`,
        name,
        description: `A ${quality} ${noun.toLowerCase()} from the ${adjective} line.`,
        richDescription:
          `<h2>${name}</h2><p>The ${adjective} ${noun.toLowerCase()} is ${quality} and built to last. ` +
          `Designed for everyday use, it pairs well with the rest of our ${c.name.toLowerCase()} range.</p>` +
          `<ul><li>Weight: ${grams} g</li><li>Warranty: ${random.int(1, 3)} years</li></ul>`,
        priceCents: Math.max(cents, 499),
        currency: 'USD',
        weightGrams: grams,
        shippingClass: grams > 4000 ? 'BULKY' : random.next() < 0.15 ? 'FRAGILE' : 'STANDARD',
        categoryId: categories[ci]!.id,
        position: n,
        createdAt: new Date(EPOCH - random.int(1, 700) * DAY),
      });
      const imageCount = random.int(3, 6);
      for (let p = 0; p < imageCount; p++) {
        const landscape = p % 2 === 0;
        images.push({
          id: `${id}-img-${p + 1}`,
          productId: id,
          position: p + 1,
          path: `/products/${id}/${p + 1}.jpg`,
          width: landscape ? 1600 : 1200,
          height: landscape ? 1200 : 1600,
          alt: `${name}, view ${p + 1}`,
        });
      }
    }
  });
  return { categories, products, images };
}

function generateStock(random: SeededRandom, products: ProductSeed[]): StockSeed[] {
  const warehouses = ['AMS-1', 'FRA-2', 'DUB-1'];
  return products.map((product) => {
    const roll = random.next();
    const available = roll < 0.08 ? 0 : roll < 0.2 ? random.int(1, 5) : random.int(6, 250);
    return {
      productId: product.id,
      available,
      reserved: random.int(0, 3),
      warehouse: random.pick(warehouses),
      restockDate: available === 0 ? new Date(EPOCH + random.int(3, 30) * DAY) : null,
    };
  });
}

function generateReviews(random: SeededRandom, users: UserSeed[], products: ProductSeed[]): ReviewSeed[] {
  return Array.from({ length: DATASET_SIZES.reviews }, (_, i) => {
    // Skewed towards popular products: low product numbers get more reviews.
    const product = products[Math.floor(Math.pow(random.next(), 1.6) * products.length)]!;
    const author = random.pick(users);
    const rating = random.weighted([5, 7, 15, 33, 40]) + 1;
    const title = random.pick(REVIEW_TITLES[rating]!);
    return {
      id: `r-${pad(i + 1, 5)}`,
      productId: product.id,
      authorId: author.id,
      authorName: author.name,
      rating,
      title,
      body: `${title}. ${product.name} ${rating >= 4 ? 'works exactly as promised' : 'did not quite meet my needs'}.`,
      createdAt: new Date(EPOCH - random.int(0, 600) * DAY - random.int(0, DAY - 1)),
    };
  });
}

function generateOrders(random: SeededRandom, users: UserSeed[], products: ProductSeed[]): OrderSeed[] {
  const statuses: OrderSeed['status'][] = ['PLACED', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
  return Array.from({ length: DATASET_SIZES.orders }, (_, i) => {
    const lineCount = random.int(1, 4);
    const chosen = new Set<ProductSeed>();
    while (chosen.size < lineCount) chosen.add(random.pick(products));
    return {
      id: `o-seed-${pad(i + 1, 4)}`,
      number: `SO-${pad(i + 1, 6)}`,
      userId: users[i % users.length]!.id,
      idempotencyKey: `seed-${i + 1}`,
      status: statuses[random.weighted([15, 25, 55, 5])]!,
      placedAt: new Date(EPOCH - random.int(0, 365) * DAY - random.int(0, DAY - 1)),
      lines: [...chosen].map((p) => ({ productId: p.id, quantity: random.int(1, 3), unitPriceCents: p.priceCents })),
    };
  });
}

let cached: Dataset | undefined;

/** The dataset; generated once per process (it is pure, so every call returns the same data). */
export function dataset(): Dataset {
  if (cached) return cached;
  // One generator per slice, so changing the size of one slice does not reshuffle the others.
  const users = generateUsers(new SeededRandom(1));
  const { categories, products, images } = generateCatalog(new SeededRandom(2));
  cached = {
    users,
    categories,
    products,
    images,
    stock: generateStock(new SeededRandom(3), products),
    reviews: generateReviews(new SeededRandom(4), users, products),
    orders: generateOrders(new SeededRandom(5), users, products),
  };
  return cached;
}
