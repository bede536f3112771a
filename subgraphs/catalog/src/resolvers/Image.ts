import { ASSET_BASE_URL } from '@subgraphs/kit';
import { badUserInput } from '@bff/platform';
import type { ImageRow } from '../data/product-store';

export const Image = {
  url: (image: ImageRow, args: { width?: number | null }) => {
    if (args.width === null || args.width === undefined) return `${ASSET_BASE_URL}${image.path}`;
    if (!Number.isInteger(args.width) || args.width <= 0) {
      throw badUserInput('width', `Argument "width" must be a positive integer, got ${args.width}.`);
    }
    // Never upscale: the CDN would only serve a blurrier, larger file.
    return `${ASSET_BASE_URL}${image.path}?w=${Math.min(args.width, image.width)}`;
  },
};
