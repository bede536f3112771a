import { useState } from 'react';
import type { ProductPageQuery } from '../gql/graphql';
import { ProductImage } from './ProductGrid';

type GalleryImage = NonNullable<ProductPageQuery['product']>['gallery'][number];

/** The product's images: one large (the browser picks its width from `srcset`), the others as thumbnails. */
export function Gallery({ images }: { images: readonly GalleryImage[] }) {
  const [shown, setShown] = useState(0);
  const image = images[shown] ?? images[0];
  if (!image) return <div className="gallery" />;
  return (
    <div className="gallery">
      <ProductImage src={image.src} srcSet={image.srcset} sizes="(min-width: 900px) 50vw, 100vw" alt={image.alt} />
      {images.length > 1 && (
        <ul className="thumbnails">
          {images.map((candidate, i) => (
            <li key={candidate.src}>
              <button type="button" aria-label={`Image ${i + 1}: ${candidate.alt}`} aria-pressed={i === shown} onClick={() => setShown(i)}>
                {i + 1}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
