import { badUserInput, money } from '@subgraphs/kit';

/**
 * Resolvers of the mobile experience subgraph. Pure functions of the @requires'd domain
 * fields: no storage, no network.
 */
const THUMBNAIL_POINTS = 96;
const TITLE_LENGTH = 40;

interface MobileProduct {
  id: string;
  name?: string;
  price?: { amountCents: number; currency: string };
  images?: { url: string }[];
  ratingSummary?: { average: number; count: number };
}

function required<T>(value: T | undefined, field: string, product: MobileProduct): T {
  // Only reachable if the gateway skipped a @requires field; fail loudly rather than guess.
  if (value === undefined) throw new Error(`Product ${product.id}: ${field} was not provided (@requires)`);
  return value;
}

export const mobileExperienceResolvers = {
  Product: {
    __resolveReference: (reference: MobileProduct) => reference,
    card: (product: MobileProduct, args: { dpr?: number | null }) => {
      const dpr = args.dpr ?? 2;
      if (!Number.isInteger(dpr) || dpr < 1 || dpr > 4) {
        throw badUserInput('dpr', `Argument "dpr" must be an integer from 1 to 4, got ${dpr}.`);
      }
      const name = required(product.name, 'name', product);
      const price = required(product.price, 'price', product);
      const rating = required(product.ratingSummary, 'ratingSummary', product);
      const [cover] = required(product.images, 'images', product);
      const pixels = THUMBNAIL_POINTS * dpr;
      return {
        id: product.id,
        title: name.length <= TITLE_LENGTH ? name : `${name.slice(0, TITLE_LENGTH - 1).trimEnd()}…`,
        thumbnailUrl: cover ? `${cover.url}${cover.url.includes('?') ? '&' : '?'}w=${pixels}&h=${pixels}&fit=crop` : '',
        priceLabel: money(price.amountCents, price.currency).formatted,
        ratingBadge: rating.count === 0 ? null : `★ ${rating.average.toFixed(1)} (${rating.count})`,
      };
    },
  },
};
