import type { ApolloServer, BaseContext } from '@apollo/server';
import type { GraphQLHttpServer } from './graphql-http-server';

export interface ApolloLifecycle {
  /** True once Apollo has started (for a gateway: once the supergraph is loaded). */
  started(): boolean;
  /** Starts Apollo (once), then listens; resolves with the base URL. */
  listen(port: number, host: string): Promise<string>;
  /** Drains HTTP first, so in-flight requests finish, then stops Apollo, then sends the last spans. */
  stop(): Promise<void>;
}

export function apolloLifecycle<TContext extends BaseContext>(apollo: ApolloServer<TContext>, http: GraphQLHttpServer): ApolloLifecycle {
  let started = false;
  return {
    started: () => started,
    listen: async (port, host) => {
      if (!started) {
        await apollo.start();
        started = true;
      }
      return http.listen(port, host);
    },
    stop: async () => {
      await http.close();
      if (started) await apollo.stop();
      await http.telemetry.shutdown();
    },
  };
}
