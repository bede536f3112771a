import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ErrorNotice } from '../components/ErrorNotice';
import { RequireSignIn } from '../components/RequireSignIn';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { CancelOrderDocument, FollowOrderDocument, OrderDetailDocument, type OrderStatus } from '../gql/graphql';
import { NotFoundPage } from './NotFoundPage';

export function OrderPage() {
  return (
    <RequireSignIn>
      <Order />
    </RequireSignIn>
  );
}

export function StatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span className={`status ${status.toLowerCase()}`} data-testid="order-status">
      {status.charAt(0) + status.slice(1).toLowerCase()}
    </span>
  );
}

/** Statuses an order can still move on from; a delivered or cancelled order stays as it is. */
const CHANGING: readonly OrderStatus[] = ['PLACED', 'SHIPPED'];

/**
 * Follows an order that can still change (FollowOrder, over SSE): the order as it is, then each
 * change of its status. Each event updates the cached Order by its id, so whatever shows the
 * order moves on without a reload, and keeps the last status once the subscription ends (the
 * order delivered or cancelled). A subscription that ends while the order can still change (a
 * BFF that drains ends its subscriptions) is opened again, once it has delivered something, so
 * a refusal does not loop; an error is the caller's to show.
 */
function useFollowOrder(id: string, status: OrderStatus | undefined) {
  const lastStatus = useRef<OrderStatus>(undefined);
  const following = useSubscription(FollowOrderDocument, {
    variables: { id },
    skip: !status || !CHANGING.includes(status),
    onData: ({ data }) => void (lastStatus.current = data.data?.orderStatusChanged.status),
    onError: () => void (lastStatus.current = undefined),
    onComplete: () => {
      const last = lastStatus.current;
      lastStatus.current = undefined;
      if (last && CHANGING.includes(last)) following.restart();
    },
  });
  return following;
}

/** One order, line by line, its status followed live; an order that has not shipped can be cancelled here. */
function Order() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const { data, loading, error, refetch } = useQuery(OrderDetailDocument, { variables: { id } });
  // Stock and the order list change with a cancellation: ask again rather than guess.
  const [cancelOrder, cancelling] = useMutation(CancelOrderDocument, { errorPolicy: 'none', refetchQueries: ['MyOrders', 'ProductPage'] });
  const [cancelFailure, setCancelFailure] = useState<unknown>();
  const order = data?.order;
  const following = useFollowOrder(id, order?.status);
  useDocumentTitle(order ? `Order ${order.number} · Storefront` : undefined);
  if (loading && !data) return <p className="loading">Loading…</p>;
  if (!data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  if (!order) return <NotFoundPage />;

  const cancel = async () => {
    setCancelFailure(undefined);
    try {
      await cancelOrder({ variables: { id: order.id } });
    } catch (failure) {
      setCancelFailure(failure);
    }
  };

  return (
    <>
      {params.get('placed') && (
        <p className="notice success" role="status">
          Thank you! Your order {order.number} is placed.
        </p>
      )}
      <h1>
        Order <span data-testid="order-number">{order.number}</span> <StatusBadge status={order.status} />
      </h1>
      <p className="meta">
        Placed {new Date(order.placedAt).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}
        {order.cancelledAt && `, cancelled ${new Date(order.cancelledAt).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}`}
      </p>
      {following.error && <ErrorNotice error={following.error} retry={() => following.restart()} />}
      <table className="cart">
        <thead>
          <tr>
            <th>Product</th>
            <th>Quantity</th>
            <th>Unit price</th>
            <th>Total</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.lineNumber}>
              <td>
                <Link to={`/p/${line.product.sku}`}>{line.product.name}</Link>
              </td>
              <td>{line.quantity}</td>
              <td>{line.unitPrice.formatted}</td>
              <td>{line.lineTotal.formatted}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={3}>Subtotal</td>
            <td>{order.subtotal.formatted}</td>
          </tr>
          <tr>
            <td colSpan={3}>Shipping</td>
            <td>{order.shipping.formatted}</td>
          </tr>
          <tr>
            <td colSpan={3}>Total</td>
            <td data-testid="order-total">{order.total.formatted}</td>
          </tr>
        </tfoot>
      </table>
      {cancelFailure !== undefined && <ErrorNotice error={cancelFailure} retry={() => void cancel()} />}
      <div className="actions">
        <Link to="/orders">All my orders</Link>
        {order.status === 'PLACED' && (
          <button type="button" onClick={() => void cancel()} disabled={cancelling.loading}>
            {cancelling.loading ? 'Cancelling…' : 'Cancel order'}
          </button>
        )}
      </div>
    </>
  );
}
