import { useQuery } from '@apollo/client/react';
import { Link } from 'react-router-dom';
import { ErrorNotice } from '../components/ErrorNotice';
import { LoadMore } from '../components/LoadMore';
import { RequireSignIn } from '../components/RequireSignIn';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { MyOrdersDocument } from '../gql/graphql';
import { StatusBadge } from './OrderPage';

export function OrdersPage() {
  useDocumentTitle('My orders · Storefront');
  return (
    <RequireSignIn>
      <Orders />
    </RequireSignIn>
  );
}

function Orders() {
  const { data, loading, error, fetchMore, refetch } = useQuery(MyOrdersDocument, { fetchPolicy: 'cache-and-network' });
  if (loading && !data) return <p className="loading">Loading…</p>;
  if (!data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  const { nodes, pageInfo } = data.myOrders;
  return (
    <>
      <h1>My orders</h1>
      {nodes.length === 0 ? (
        <p className="empty">No orders yet.</p>
      ) : (
        <table className="orders">
          <thead>
            <tr>
              <th>Order</th>
              <th>Placed</th>
              <th>Items</th>
              <th>Total</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((order) => (
              <tr key={order.id} data-testid="order-row">
                <td>
                  <Link to={`/orders/${order.id}`}>{order.number}</Link>
                </td>
                <td>{new Date(order.placedAt).toLocaleDateString('en-US', { dateStyle: 'medium' })}</td>
                <td>{order.itemCount}</td>
                <td>{order.total.formatted}</td>
                <td>
                  <StatusBadge status={order.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore hasMore={pageInfo.hasNextPage} load={() => fetchMore({ variables: { after: pageInfo.endCursor } })} />
    </>
  );
}
