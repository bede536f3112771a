import { useQuery } from '@apollo/client/react';
import { useParams } from 'react-router-dom';
import { ErrorNotice } from '../components/ErrorNotice';
import { LoadMore } from '../components/LoadMore';
import { ProductGrid } from '../components/ProductGrid';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { CategoryPageDocument } from '../gql/graphql';
import { NotFoundPage } from './NotFoundPage';

/** One category's products, twelve at a time. */
export function CategoryPage() {
  const { slug = '' } = useParams();
  const { data, loading, error, fetchMore, refetch } = useQuery(CategoryPageDocument, { variables: { slug } });
  const category = data?.category;
  useDocumentTitle(category ? `${category.name} · Storefront` : undefined);
  if (loading && !data) return <p className="loading">Loading…</p>;
  if (!data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  if (!category) return <NotFoundPage />;
  const { nodes, pageInfo } = category.products;
  return (
    <>
      <h1>{category.name}</h1>
      <p className="lead">{category.description}</p>
      <p className="meta">
        Showing {nodes.length} of {category.productCount}
      </p>
      <ProductGrid products={nodes} />
      <LoadMore hasMore={pageInfo.hasNextPage} load={() => fetchMore({ variables: { after: pageInfo.endCursor } })} />
    </>
  );
}
