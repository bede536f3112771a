/**
 * What this app declares to Apollo Client's types: the `context` its links read, and the
 * default error policy its queries are typed with, which create-apollo-client.ts sets at
 * run time. A global declaration: the compiler reads it for every file of the app.
 */
declare module '@apollo/client' {
  interface DefaultContext {
    /**
     * Send it in one POST batch with the other batched operations of the same moment. For
     * private reads only: a batch is a POST, which no cache keeps (create-apollo-client.ts).
     */
    batch?: boolean;
    /**
     * The mutation carries an idempotency key: after a dropped connection it may be sent
     * again as it is (retry-link.ts).
     */
    idempotent?: boolean;
  }

  export namespace ApolloClient {
    export namespace DeclareDefaultOptions {
      interface WatchQuery {
        errorPolicy: 'all';
      }
    }
  }
}

export {};
