import '@apollo/client';

/**
 * Every query of the storefront keeps partial data with its errors (one subgraph down
 * costs only its fields); telling the types makes `data` and `error` both possible.
 */
declare module '@apollo/client' {
  export namespace ApolloClient {
    export namespace DeclareDefaultOptions {
      interface WatchQuery {
        errorPolicy: 'all';
      }
      interface Query {
        errorPolicy: 'all';
      }
    }
  }
}
