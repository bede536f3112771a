import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { Supergraph, ROUTER_SUPPORTED_SUPERGRAPH_FEATURES } from '@apollo/federation-internals';
import { apolloLifecycle, createGraphQLHttpServer, ErrorCode, type ApolloLifecycle, type GraphQLHttpServer } from '@subgraphs/kit';
import { createOperationGate } from '../gate/operation-gate';
import { costModelFromSupergraph } from '../limits/cost-model';
import { memoryApqStore, type ApqStore } from '../persisted/apq-store';
import { persistedQueryHandlers } from '../persisted/persisted-queries';
import { EXPERIENCE_SUBGRAPH_NAME, type ExperienceSubgraph } from '../experience';
import { createGateway } from '../gateway/create-gateway';
import type { ClientPolicy } from '../policy';
import { CLIENT_NAME_HEADER, contextFromRequest, type BffContext } from './context';
import { postResponsesUncachedPlugin } from './plugins/post-responses-uncached-plugin';
import { subgraphReadiness } from './subgraph-readiness';

export type BffMode = 'development' | 'production';

export interface BffServerOptions {
  policy: ClientPolicy;
  supergraphSdl: string;
  experience?: ExperienceSubgraph;
  /** Routing URL overrides by subgraph name. */
  subgraphUrls?: Readonly<Record<string, string>>;
  /** @default 'development' */
  mode?: BffMode;
  /** Where automatic persisted queries are kept. @default in memory */
  apqStore?: ApqStore;
}

export interface BffServer {
  readonly policy: ClientPolicy;
  readonly http: GraphQLHttpServer;
  /** Loads the supergraph, starts Apollo, listens; resolves with the base URL. */
  listen(port: number, host: string): Promise<string>;
  stop(): Promise<void>;
}

/** The HTTP subgraphs a supergraph routes to (the in-process experience subgraph excluded). */
export function remoteSubgraphUrls(supergraph: Supergraph, overrides: Readonly<Record<string, string>> = {}): string[] {
  return supergraph
    .subgraphsMetadata()
    .filter((s) => s.name !== EXPERIENCE_SUBGRAPH_NAME)
    .map((s) => overrides[s.name] ?? s.url);
}

/** Builds (does not start) one client's BFF: its gateway, its policy, its HTTP server. */
export function createBffServer(options: BffServerOptions): BffServer {
  const mode = options.mode ?? 'development';
  const { limits } = options.policy;
  // Router features (@authenticated, @requiresScopes) are ours to enforce, so accept them here.
  const supergraph = Supergraph.build(options.supergraphSdl, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
  const apiSchema = supergraph.apiSchema().toGraphQLJSSchema();
  const persisted = persistedQueryHandlers(options.policy.persistedQueries, mode, {
    apiSchema,
    apqStore: options.apqStore ?? memoryApqStore(),
  });
  const gate = createOperationGate({
    limits,
    apiSchema,
    costModel: costModelFromSupergraph(options.supergraphSdl),
    resolvePersisted: persisted.resolvePersisted,
    admitted: persisted.admitted,
  });
  const gateway = createGateway(options);
  const apollo = new ApolloServer<BffContext>({
    gateway,
    introspection: mode === 'development' || options.policy.introspectionInProduction,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: limits.maxBatchSize > 1,
    // Persisted queries are resolved in the front gate (see persisted-queries.ts), not by Apollo.
    persistedQueries: false,
    plugins: [postResponsesUncachedPlugin(), ...(mode === 'production' ? [ApolloServerPluginLandingPageDisabled()] : [])],
    // Clients (not browsers) identify themselves with this header, which also proves the
    // request is not a cross-site form post.
    csrfPrevention: { requestHeaders: ['x-apollo-operation-name', 'apollo-require-preflight', CLIENT_NAME_HEADER] },
  });
  const subgraphsAnswered = subgraphReadiness(remoteSubgraphUrls(supergraph, options.subgraphUrls));
  const http: GraphQLHttpServer = createGraphQLHttpServer({
    apollo,
    maxBodyBytes: limits.maxBodyBytes,
    bodyLimitRejection: { status: 400, code: ErrorCode.BODY_LIMIT_EXCEEDED },
    prepare: gate,
    isReady: async (): Promise<boolean> => lifecycle.started() && (await subgraphsAnswered()),
    context: async (req) => contextFromRequest(req),
  });
  const lifecycle: ApolloLifecycle = apolloLifecycle(apollo, http);
  return { policy: options.policy, http, listen: lifecycle.listen, stop: lifecycle.stop };
}
