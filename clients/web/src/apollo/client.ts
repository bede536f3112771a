import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { OperationTypeNode } from 'graphql';
import { session } from '../state/session';
import { classifyError } from './error-kinds';
import { createSseLink } from './sse-link';
import { typePolicies } from './type-policies';

/** The web BFF, on this page's own origin (the storefront's server passes /graphql through). */
const GRAPHQL_PATH = '/graphql';

/** SHA-256 of the query text, hex, as automatic persisted queries name a query. */
async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The storefront's Apollo Client:
 * - automatic persisted queries: a query goes as its hash over GET (cacheable by the
 *   browser and a CDN), and its text only once, when the BFF does not know the hash yet;
 * - the client name and version headers, so the BFF's metrics tell this app's releases apart;
 * - the visitor's token, when signed in; a 401 signs the visitor out (the page then offers sign-in);
 * - `@defer` read in parts: an operation with it asks for `multipart/mixed` and the BFF answers in
 *   the 2022-08-24 format (Apollo Router's), the primary part first, then each deferred fragment;
 * - subscriptions over GraphQL over SSE (`sse-link.ts`), with the same token and headers.
 */
export function createApolloClient(onSignInNeeded: () => void): ApolloClient {
  const auth = new SetContextLink((prevContext) => {
    const token = session.token();
    return token ? { headers: { ...prevContext.headers, authorization: `Bearer ${token}` } } : {};
  });
  const signOutOn401 = new ErrorLink(({ error }) => {
    if (classifyError(error).kind === 'sign-in') {
      session.signOut();
      onSignInNeeded();
    }
  });
  // Web Crypto's digest exists on secure origins only (https, localhost); opened at a LAN
  // address over plain HTTP, the storefront sends its queries as text instead, which the web BFF allows.
  const persisted = globalThis.crypto?.subtle ? [new PersistedQueryLink({ sha256, useGETForHashedQueries: true })] : [];
  // A GET is a "simple" request a cross-site page could send; this header proves a script sent it (the BFF's CSRF rule).
  const http = new HttpLink({ uri: GRAPHQL_PATH, headers: { 'apollo-require-preflight': 'true' } });
  return new ApolloClient({
    link: ApolloLink.from([
      signOutOn401,
      auth,
      ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, createSseLink(GRAPHQL_PATH), ApolloLink.from([...persisted, http])),
    ]),
    cache: new InMemoryCache({ typePolicies }),
    incrementalHandler: new Defer20220824Handler(),
    clientAwareness: { name: 'web-storefront', version: __APP_VERSION__ },
    defaultOptions: {
      // A page shows what it got: one subgraph down costs only its own fields.
      watchQuery: { errorPolicy: 'all' },
      query: { errorPolicy: 'all' },
    },
  });
}
