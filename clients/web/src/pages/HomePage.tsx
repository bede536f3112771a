import { useQuery } from '@apollo/client/react';
import { Link } from 'react-router-dom';
import { ErrorNotice } from '../components/ErrorNotice';
import { ProductGrid } from '../components/ProductGrid';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { CategoriesDocument, HomePageDocument } from '../gql/graphql';

/** Featured products and the categories. */
export function HomePage() {
  useDocumentTitle('Storefront: audio, kitchen, outdoor and more');
  const featured = useQuery(HomePageDocument, { variables: { first: 8 } });
  const categories = useQuery(CategoriesDocument);
  return (
    <>
      <section className="hero">
        <h1>Everyday things, well made</h1>
        <p>Free delivery on larger orders. Every price includes tax.</p>
      </section>
      <h2>Featured</h2>
      {featured.loading && !featured.data ? (
        <p className="loading">Loading…</p>
      ) : featured.data ? (
        <ProductGrid products={featured.data.products.nodes} />
      ) : (
        <ErrorNotice error={featured.error} retry={() => void featured.refetch()} />
      )}
      <h2>Shop by category</h2>
      <ul className="category-tiles">
        {categories.data?.categories.map((category) => (
          <li key={category.id}>
            <Link to={`/c/${category.slug}`}>
              <strong>{category.name}</strong>
              <span>{category.productCount} products</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
