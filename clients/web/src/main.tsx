import { ApolloProvider } from '@apollo/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router-dom';
import { createApolloClient } from './apollo/client';
import { signInPath } from './paths';
import { createStorefrontRouter } from './routes';
import './styles.css';

const router = createStorefrontRouter();
const client = createApolloClient(() => {
  const here = window.location.pathname + window.location.search;
  if (!window.location.pathname.startsWith('/sign-in')) void router.navigate(signInPath(here));
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <RouterProvider router={router} />
    </ApolloProvider>
  </StrictMode>,
);
