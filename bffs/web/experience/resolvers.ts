import { requireProvided } from '@bff/core';

/**
 * Resolvers of the web experience subgraph. Pure functions of the @requires'd domain
 * fields: no storage, no network.
 */
export const SITE_URL = 'https://shop.example.com';
const GALLERY_WIDTHS = [400, 800, 1200, 1600] as const;
const SEO_DESCRIPTION_LENGTH = 160;

interface WebProduct {
  id: string;
  name?: string;
  description?: string;
  sku?: string;
  price?: { amountCents: number; currency: string };
  images?: { alt: string; width: number; height: number; url: string }[];
}

const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

export const webExperienceResolvers = {
  Product: {
    __resolveReference: (reference: WebProduct) => reference,
    seo: (product: WebProduct) => {
      const name = requireProvided(product.name, 'name', product);
      const description = requireProvided(product.description, 'description', product);
      const sku = requireProvided(product.sku, 'sku', product);
      const price = requireProvided(product.price, 'price', product);
      const canonicalUrl = `${SITE_URL}/products/${encodeURIComponent(sku.toLowerCase())}`;
      return {
        title: truncate(`${name} | Shop`, 70),
        description: truncate(description, SEO_DESCRIPTION_LENGTH),
        canonicalUrl,
        jsonLd: JSON.stringify({
          '@context': 'https://schema.org',
          '@type': 'Product',
          name,
          sku,
          description,
          url: canonicalUrl,
          offers: { '@type': 'Offer', price: (price.amountCents / 100).toFixed(2), priceCurrency: price.currency },
        }),
      };
    },
    gallery: (product: WebProduct) =>
      requireProvided(product.images, 'images', product).map((image) => {
        // Never offer a width larger than the original: the browser would only download a blurrier upscale.
        const widths = GALLERY_WIDTHS.filter((w) => w <= image.width);
        const sized = (w: number) => `${image.url}${image.url.includes('?') ? '&' : '?'}w=${w}`;
        return {
          alt: image.alt,
          src: sized(widths.at(-1) ?? image.width),
          srcset: (widths.length ? widths : [image.width]).map((w) => `${sized(w)} ${w}w`).join(', '),
          width: image.width,
          height: image.height,
        };
      }),
  },
};
