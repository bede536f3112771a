import { Link } from 'react-router-dom';
import { useDocumentTitle } from '../components/useDocumentTitle';
import { cart, formatCents, MAX_QUANTITY, useCart } from '../state/cart';

/** The cart, kept in this browser: change quantities, remove lines, go to checkout. */
export function CartPage() {
  useDocumentTitle('Cart · Storefront');
  const lines = useCart();
  if (lines.length === 0) {
    return (
      <div className="notice">
        <h1>Your cart is empty</h1>
        <Link to="/">Find something you like</Link>
      </div>
    );
  }
  return (
    <>
      <h1>Cart</h1>
      <CartLines editable />
      <div className="actions">
        <Link to="/checkout" className="button primary">
          Checkout
        </Link>
      </div>
    </>
  );
}

/** The cart's lines with an estimated subtotal; the order's own total is what is charged. */
export function CartLines({ editable, shortLine }: { editable: boolean; shortLine?: number }) {
  const lines = useCart();
  const currency = lines[0]?.currency ?? 'USD';
  const subtotal = lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
  return (
    <table className="cart">
      <thead>
        <tr>
          <th>Product</th>
          <th>Quantity</th>
          <th>Price</th>
          {editable && <th aria-label="Remove" />}
        </tr>
      </thead>
      <tbody>
        {lines.map((line, i) => (
          <tr key={line.productId} className={i === shortLine ? 'short' : undefined} data-testid="cart-line">
            <td>
              <Link to={`/p/${line.sku}`}>{line.name}</Link>
              {i === shortLine && (
                <span className="stock out" data-testid="out-of-stock">
                  {' '}
                  Not enough stock: lower the quantity or remove it
                </span>
              )}
            </td>
            <td>
              {editable || i === shortLine ? (
                <input
                  type="number"
                  aria-label={`Quantity of ${line.name}`}
                  min={1}
                  max={MAX_QUANTITY}
                  value={line.quantity}
                  onChange={(e) => cart.setQuantity(line.productId, Number(e.target.value) || 1)}
                />
              ) : (
                line.quantity
              )}
            </td>
            <td>{formatCents(line.unitPriceCents * line.quantity, line.currency)}</td>
            {editable && (
              <td>
                <button type="button" className="link" onClick={() => cart.remove(line.productId)}>
                  Remove
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={2}>Subtotal (estimate; shipping added at checkout)</td>
          <td>{formatCents(subtotal, currency)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
