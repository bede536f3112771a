import { Link } from 'react-router-dom';
import type { ProductTileFragment } from '../gql/graphql';
import { Stars } from './Stars';

/** Products as a grid of tiles, each a link to its page. */
export function ProductGrid({ products }: { products: readonly ProductTileFragment[] }) {
  if (products.length === 0) return <p className="empty">No products here.</p>;
  return (
    <ul className="grid">
      {products.map((product) => (
        <li key={product.id} className="tile">
          <Link to={`/p/${product.sku}`}>
            <ProductImage src={product.images[0]?.url} alt={product.images[0]?.alt ?? product.name} />
            <span className="name">{product.name}</span>
          </Link>
          <span className="price">{product.price.formatted}</span>
          {product.ratingSummary && <Stars average={product.ratingSummary.average} count={product.ratingSummary.count} />}
          {product.inStock === false && <span className="stock out">Out of stock</span>}
        </li>
      ))}
    </ul>
  );
}

/**
 * The image, or a neutral block with its alt text when it cannot load (the dataset's
 * CDN is not reachable from a local machine).
 */
export function ProductImage({ src, alt, srcSet, sizes }: { src?: string; alt: string; srcSet?: string; sizes?: string }) {
  return (
    <span className="image-frame">
      {src && (
        <img
          src={src}
          srcSet={srcSet}
          sizes={sizes}
          alt={alt}
          loading="lazy"
          onError={(event) => {
            event.currentTarget.style.visibility = 'hidden';
          }}
        />
      )}
      <span className="image-alt">{alt}</span>
    </span>
  );
}
