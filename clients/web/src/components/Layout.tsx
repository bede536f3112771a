import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router-dom';
import { CategoriesDocument } from '../gql/graphql';
import { useCart } from '../state/cart';
import { session, useSession } from '../state/session';

/** Header (search, categories, cart, account) around every page. */
export function Layout() {
  const navigate = useNavigate();
  const signedIn = useSession();
  const lines = useCart();
  const { data } = useQuery(CategoriesDocument);
  const [search, setSearch] = useState('');
  const units = lines.reduce((sum, line) => sum + line.quantity, 0);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const query = search.trim();
    if (query) void navigate(`/search?q=${encodeURIComponent(query)}`);
  };

  return (
    <>
      <header className="site-header">
        <div className="bar">
          <Link to="/" className="logo">
            Storefront
          </Link>
          <form className="search" role="search" onSubmit={submit}>
            <input type="search" name="q" aria-label="Search products" placeholder="Search products" value={search} onChange={(e) => setSearch(e.target.value)} />
            <button type="submit">Search</button>
          </form>
          <nav className="account">
            {signedIn ? (
              <>
                <Link to="/orders">My orders</Link>
                <span className="who" data-testid="signed-in-as">
                  {signedIn.user.name}
                </span>
                <button type="button" className="link" onClick={() => session.signOut()}>
                  Sign out
                </button>
              </>
            ) : (
              <Link to="/sign-in">Sign in</Link>
            )}
            <Link to="/cart" className="cart-link" aria-label={`Cart, ${units} items`}>
              Cart <span className="badge" data-testid="cart-count">{units}</span>
            </Link>
          </nav>
        </div>
        <nav className="categories" aria-label="Categories">
          {data?.categories.map((category) => (
            <NavLink key={category.id} to={`/c/${category.slug}`}>
              {category.name}
            </NavLink>
          ))}
        </nav>
      </header>
      <main>
        <Outlet />
      </main>
      <footer className="site-footer">Demo storefront on a GraphQL BFF · prices in USD</footer>
    </>
  );
}
