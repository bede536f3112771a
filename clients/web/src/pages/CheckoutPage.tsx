import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { classifyError } from '../apollo/error-kinds';
import { ErrorNotice } from '../components/ErrorNotice';
import { RequireSignIn } from '../components/RequireSignIn';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { PlaceOrderDocument } from '../gql/graphql';
import { cart, useCart } from '../state/cart';
import { checkoutKey, forgetCheckoutKey } from '../state/checkout-key';
import { CartLines } from './CartPage';

export function CheckoutPage() {
  useDocumentTitle('Checkout · Storefront');
  return (
    <RequireSignIn>
      <Checkout />
    </RequireSignIn>
  );
}

/** Places the cart as one order, once per idempotency key; a short line is marked in place. */
function Checkout() {
  const navigate = useNavigate();
  const lines = useCart();
  const [placeOrder, { loading }] = useMutation(PlaceOrderDocument, { errorPolicy: 'none', refetchQueries: ['MyOrders'] });
  const [failure, setFailure] = useState<unknown>();
  if (lines.length === 0) {
    return (
      <div className="notice">
        <h1>Nothing to check out</h1>
        <Link to="/">Back to the shop</Link>
      </div>
    );
  }
  const classified = failure === undefined ? undefined : classifyError(failure);

  const submit = async () => {
    if (loading) return;
    setFailure(undefined);
    const idempotencyKey = checkoutKey(lines);
    try {
      const { data } = await placeOrder({
        variables: { input: { idempotencyKey, lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) } },
      });
      if (!data) return;
      forgetCheckoutKey();
      cart.clear();
      void navigate(`/orders/${data.placeOrder.id}?placed=1`);
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <>
      <h1>Checkout</h1>
      <CartLines editable={false} shortLine={classified?.kind === 'out-of-stock' ? classified.line : undefined} />
      {classified?.kind === 'out-of-stock' && (
        <p className="notice error" role="alert">
          {classified.message}
        </p>
      )}
      {classified && classified.kind !== 'out-of-stock' && <ErrorNotice error={failure} retry={() => void submit()} />}
      <div className="actions">
        <Link to="/cart">Change the cart</Link>
        <button type="button" className="primary" onClick={() => void submit()} disabled={loading}>
          {loading ? 'Placing your order…' : 'Place order'}
        </button>
      </div>
    </>
  );
}
