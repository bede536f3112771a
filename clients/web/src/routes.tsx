import { createBrowserRouter } from 'react-router-dom';
import { Layout } from './components/Layout';
import { CartPage } from './pages/CartPage';
import { CategoryPage } from './pages/CategoryPage';
import { CheckoutPage } from './pages/CheckoutPage';
import { HomePage } from './pages/HomePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OrderPage } from './pages/OrderPage';
import { OrdersPage } from './pages/OrdersPage';
import { ProductPage } from './pages/ProductPage';
import { SearchPage } from './pages/SearchPage';
import { SignInPage } from './pages/SignInPage';

export function createStorefrontRouter() {
  return createBrowserRouter([
    {
      element: <Layout />,
      children: [
        { path: '/', element: <HomePage /> },
        { path: '/c/:slug', element: <CategoryPage /> },
        { path: '/search', element: <SearchPage /> },
        { path: '/p/:sku', element: <ProductPage /> },
        { path: '/cart', element: <CartPage /> },
        { path: '/checkout', element: <CheckoutPage /> },
        { path: '/sign-in', element: <SignInPage /> },
        { path: '/orders', element: <OrdersPage /> },
        { path: '/orders/:id', element: <OrderPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
