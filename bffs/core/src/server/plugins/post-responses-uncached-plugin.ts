import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * Cache-Control comes from the subgraphs' cache hints (the gateway restricts the
 * response's policy by each subgraph's `cache-control`; Apollo Server's cache-control
 * plugin writes the header: `max-age=N, public`, `…, private` for user-specific data, or
 * `no-store`). Only GET responses, which a CDN can key by URL (persisted queries), keep
 * it; a POST response is never reusable, so it says `no-store`.
 */
export function postResponsesUncachedPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      if (request.http?.method === 'GET') return;
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}
