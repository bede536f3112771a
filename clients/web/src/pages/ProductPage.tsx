import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { missingParts } from '../apollo/error-kinds';
import { ErrorNotice } from '../components/ErrorNotice';
import { Gallery } from '../components/Gallery';
import { LoadMore } from '../components/LoadMore';
import { ProductSeo } from '../components/ProductSeo';
import { RichText } from '../components/RichText';
import { Stars } from '../components/Stars';
import { MoreReviewsDocument, ProductPageDocument, type ProductPageQuery } from '../gql/graphql';
import { cart, MAX_QUANTITY } from '../state/cart';
import { NotFoundPage } from './NotFoundPage';

type Product = NonNullable<ProductPageQuery['product']>;

const STOCK_LABELS = { IN_STOCK: 'In stock', LOW_STOCK: 'Only a few left', OUT_OF_STOCK: 'Out of stock' } as const;

/**
 * A product: gallery, price, stock and delivery, description, reviews. Stock, delivery and
 * reviews come from other subgraphs than the product itself: when one is down the page
 * shows the rest, with a note where its part would be. The rating and reviews are deferred
 * (`@defer` in ProductPage.graphql): the page shows the product as soon as the first part of
 * the reply arrives (`dataState` "streaming") and the reviews, loading until then, when theirs does.
 */
export function ProductPage() {
  const { sku = '' } = useParams();
  const { data, dataState, loading, error, fetchMore, refetch } = useQuery(ProductPageDocument, { variables: { sku } });
  if (loading && !data) return <p className="loading">Loading…</p>;
  if (!data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  const product = data.product;
  if (!product) return <NotFoundPage />;
  const reviewsDown = missingParts(error, 'reviews') || missingParts(error, 'ratingSummary');
  const inventoryDown = missingParts(error, 'stock') || missingParts(error, 'inStock') || missingParts(error, 'shippingEstimate');
  const reviews = product.reviews;
  const reviewsPending = dataState === 'streaming' && reviews === undefined;
  return (
    <article className="product">
      <ProductSeo seo={product.seo} />
      <Gallery images={product.gallery} />
      <section className="buy">
        <h1>{product.name}</h1>
        {product.ratingSummary && <Stars average={product.ratingSummary.average} count={product.ratingSummary.count} />}
        <p className="price" data-testid="price">
          {product.price.formatted}
        </p>
        {inventoryDown ? (
          <p className="notice small">Stock and delivery times are unavailable right now.</p>
        ) : (
          <>
            {product.stock && (
              <p className={`stock ${product.stock.status.toLowerCase()}`} data-testid="stock">
                {STOCK_LABELS[product.stock.status]}
                {product.stock.status === 'LOW_STOCK' && ` (${product.stock.available})`}
              </p>
            )}
            {product.shippingEstimate && <p className="shipping">{product.shippingEstimate.label}</p>}
          </>
        )}
        <AddToCart product={product} />
      </section>
      <section className="description">
        <h2>About this product</h2>
        <RichText html={product.richDescription} />
      </section>
      <section className="reviews" aria-label="Reviews">
        <h2>Reviews</h2>
        {reviewsPending ? (
          <p className="loading" data-testid="reviews-loading">
            Loading reviews…
          </p>
        ) : reviewsDown || !reviews ? (
          <p className="notice small" data-testid="reviews-unavailable">
            Reviews are unavailable right now.
          </p>
        ) : reviews.nodes.length === 0 ? (
          <p className="empty">No reviews yet.</p>
        ) : (
          <>
            <ul>
              {reviews.nodes.map((review) => (
                <li key={review.id} className="review">
                  <Stars average={review.rating} />
                  <strong>{review.title}</strong>
                  <p>{review.body}</p>
                  <span className="meta">
                    {review.author.name}, {new Date(review.createdAt).toLocaleDateString('en-US', { dateStyle: 'medium' })}
                  </span>
                </li>
              ))}
            </ul>
            <LoadMore
              label="More reviews"
              hasMore={reviews.pageInfo.hasNextPage}
              load={() => fetchMore({ query: MoreReviewsDocument, variables: { id: product.id, after: reviews.pageInfo.endCursor } })}
            />
          </>
        )}
      </section>
    </article>
  );
}

function AddToCart({ product }: { product: Product }) {
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);
  const soldOut = product.inStock === false;
  const add = () => {
    cart.add({ productId: product.id, sku: product.sku, name: product.name, unitPriceCents: product.price.amountCents, currency: product.price.currency }, quantity);
    setAdded(true);
  };
  return (
    <div className="add-to-cart">
      <label>
        Quantity{' '}
        <input type="number" min={1} max={MAX_QUANTITY} value={quantity} onChange={(e) => setQuantity(Math.max(1, Math.min(MAX_QUANTITY, Number(e.target.value) || 1)))} />
      </label>
      <button type="button" className="primary" onClick={add} disabled={soldOut}>
        {soldOut ? 'Sold out' : 'Add to cart'}
      </button>
      {added && (
        <p className="added" role="status">
          Added. <Link to="/cart">Go to cart</Link>
        </p>
      )}
    </div>
  );
}
