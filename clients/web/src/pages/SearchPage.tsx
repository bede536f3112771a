import { useQuery } from '@apollo/client/react';
import { useSearchParams } from 'react-router-dom';
import { ErrorNotice } from '../components/ErrorNotice';
import { LoadMore } from '../components/LoadMore';
import { ProductGrid } from '../components/ProductGrid';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { SearchProductsDocument } from '../gql/graphql';

/** Search results for `?q=`, best match first. */
export function SearchPage() {
  const [params] = useSearchParams();
  const query = (params.get('q') ?? '').trim();
  useDocumentTitle(`Search: ${query} · Storefront`);
  const { data, loading, error, fetchMore, refetch } = useQuery(SearchProductsDocument, { variables: { query }, skip: query === '' });
  if (query === '') return <p className="empty">Type what you are looking for in the search box.</p>;
  if (loading && !data) return <p className="loading">Searching…</p>;
  if (!data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  const { nodes, pageInfo } = data.searchProducts;
  return (
    <>
      <h1>Results for “{query}”</h1>
      <ProductGrid products={nodes} />
      <LoadMore hasMore={pageInfo.hasNextPage} load={() => fetchMore({ variables: { after: pageInfo.endCursor } })} />
    </>
  );
}
