import { requireProvided } from '@bff/core';
import { badUserInput } from '@bff/platform';
import { money } from '@bff/formats';

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
  /** Null when reviews could not answer: the card is shown without its rating badge. */
  ratingSummary?: { average: number; count: number } | null;
}

export const mobileExperienceResolvers = {
  Product: {
    __resolveReference: (reference: MobileProduct) => reference,
    card: (product: MobileProduct, args: { dpr?: number | null }) => {
      const dpr = args.dpr ?? 2;
      if (!Number.isInteger(dpr) || dpr < 1 || dpr > 4) {
        throw badUserInput('dpr', `Argument "dpr" must be an integer from 1 to 4, got ${dpr}.`);
      }
      const name = requireProvided(product.name, 'name', product);
      const price = requireProvided(product.price, 'price', product);
      const rating = requireProvided(product.ratingSummary, 'ratingSummary', product);
      const [cover] = requireProvided(product.images, 'images', product);
      const pixels = THUMBNAIL_POINTS * dpr;
      return {
        id: product.id,
        title: name.length <= TITLE_LENGTH ? name : `${name.slice(0, TITLE_LENGTH - 1).trimEnd()}…`,
        thumbnailUrl: cover ? `${cover.url}${cover.url.includes('?') ? '&' : '?'}w=${pixels}&h=${pixels}&fit=crop` : '',
        priceLabel: money(price.amountCents, price.currency).formatted,
        ratingBadge: !rating || rating.count === 0 ? null : `★ ${rating.average.toFixed(1)} (${rating.count})`,
      };
    },
  },
};
