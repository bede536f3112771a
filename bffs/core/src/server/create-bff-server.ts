import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { createAuthenticator, DEVELOPMENT_JWT, type Authenticator, type VerifiedUser } from '../auth/authenticator';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { apolloLifecycle, createGraphQLHttpServer, DEVELOPMENT_GATEWAY_SECRET, ErrorCode, logUnexpectedErrorsPlugin, operationTelemetryPlugin, ServiceTelemetry, type ApolloLifecycle, type GraphQLHttpServer } from '@bff/platform';
import { memoryApqStore, type ApqStore } from '../persisted/apq-store';
import type { PersistedQueryManifest } from '@bff/formats';
import type { ExperienceSubgraph } from '../experience';
import { createGateway } from '../gateway/create-gateway';
import { DEFAULT_SUBGRAPH_FETCH, type ClientPolicy } from '@bff/formats';
import { SubgraphBreakers } from '../resilience/subgraph-breakers';
import { CLIENT_NAME_HEADER, contextFromRequest, type BffContext } from './context';
import { isDeliberate, maskError } from './mask-errors';
import { postResponsesUncachedPlugin } from './plugins/post-responses-uncached-plugin';
import type { BffMode } from '../bff-mode';
import { buildSupergraphState, type SupergraphState } from './supergraph-state';
import { createBffMetrics } from './bff-metrics';
import { registeredOperationNames } from './registered-operations';

export type { BffMode } from '../bff-mode';

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
  /** Registry mode: the client's supported manifests from the registry (else the policy's files). */
  manifests?: ReadonlyMap<string, PersistedQueryManifest>;
  /** The credential subgraphs require (`GATEWAY_SECRET`). @default the development secret */
  gatewaySecret?: string;
  /** Verifies callers' bearer tokens. @default HS256 with the development JWT settings */
  authenticate?: Authenticator;
  /** Who runs query plans (see create-gateway.ts). @default 'bff' */
  planExecutor?: 'bff' | 'apollo';
  /** Logs, metrics and traces. @default quiet: metrics at /metrics, no log lines, no traces */
  telemetry?: ServiceTelemetry;
}

export interface BffServer {
  readonly policy: ClientPolicy;
  readonly http: GraphQLHttpServer;
  /** The supergraph being served now. */
  supergraphSdl(): string;
  /** Query plans built so far (persisted operations are planned at start-up and after each swap). */
  plansBuilt(): number;
  /**
   * Swaps in a new supergraph and/or new manifests (registry mode). Everything is built and
   * checked first; on any problem the BFF keeps serving what it has and the error is thrown.
   */
  swap(update: { supergraphSdl?: string; manifests?: ReadonlyMap<string, PersistedQueryManifest> }): Promise<void>;
  /** Loads the supergraph, starts Apollo, listens; resolves with the base URL. */
  listen(port: number, host: string): Promise<string>;
  stop(): Promise<void>;
}

/** Builds (does not start) one client's BFF: its gateway, its policy, its HTTP server. */
export function createBffServer(options: BffServerOptions): BffServer {
  const mode = options.mode ?? 'development';
  const { limits } = options.policy;
  const gatewaySecret = options.gatewaySecret ?? DEVELOPMENT_GATEWAY_SECRET;
  const subgraphFetch = options.policy.subgraphFetch ?? DEFAULT_SUBGRAPH_FETCH;
  const breakers = new SubgraphBreakers(subgraphFetch);
  const telemetry = options.telemetry ?? ServiceTelemetry.quiet(`${options.policy.name}-bff`);
  const metrics = createBffMetrics(telemetry);
  const stateOptions = { policy: options.policy, mode, apqStore: options.apqStore ?? memoryApqStore(), subgraphUrls: options.subgraphUrls, gatewaySecret, breakers, metrics };
  let state: SupergraphState = buildSupergraphState(options.supergraphSdl, options.manifests, stateOptions);
  // A client's registered and persisted operations are its own series; any other name a
  // caller sends folds into `__other`, so callers cannot grow the metrics without end.
  const clientOperations = registeredOperationNames(options.policy.name);
  const knowOperationsOf = (current: SupergraphState) =>
    telemetry.labels.operation.setKnown(new Set([...clientOperations, ...current.persistedOperations.flatMap((op) => (op.operationName ? [op.operationName] : []))]), 0);
  knowOperationsOf(state);
  const gateway = createGateway({ ...options, gatewaySecret, subgraphFetch, breakers, metrics });
  const authenticate = options.authenticate ?? createAuthenticator(DEVELOPMENT_JWT);
  /** The verified caller of each request in flight, from authentication to the context. */
  const callers = new WeakMap<IncomingMessage, VerifiedUser | null>();
  const apollo = new ApolloServer<BffContext>({
    gateway: gateway.forApolloServer,
    introspection: mode === 'development' || options.policy.introspectionInProduction,
    // "Did you mean …?" reveals the schema as surely as introspection does.
    hideSchemaDetailsFromClientErrors: mode === 'production' && !options.policy.introspectionInProduction,
    formatError: (formatted) => maskError(formatted),
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: limits.maxBatchSize > 1,
    // Persisted queries are resolved in the front gate (see persisted-queries.ts), not by Apollo.
    persistedQueries: false,
    plugins: [
      postResponsesUncachedPlugin(),
      operationTelemetryPlugin(),
      // What maskError turns into "Internal server error." is what gets logged in full.
      logUnexpectedErrorsPlugin((error) => !isDeliberate(error.extensions?.code)),
      ...(mode === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
    // Clients (not browsers) identify themselves with this header, which also proves the
    // request is not a cross-site form post.
    csrfPrevention: { requestHeaders: ['x-apollo-operation-name', 'apollo-require-preflight', CLIENT_NAME_HEADER] },
  });
  const http: GraphQLHttpServer = createGraphQLHttpServer({
    apollo,
    maxBodyBytes: limits.maxBodyBytes,
    bodyLimitRejection: { status: 400, code: ErrorCode.BODY_LIMIT_EXCEEDED },
    telemetry,
    // Authenticate first (a bad token is refused before anything else), then the gate.
    // Read `state` per request: a swap replaces it as one value.
    prepare: async (request, req) => {
      const caller = await authenticate(req);
      if (caller && 'rejected' in caller) return caller;
      callers.set(req, caller);
      return state.gate(request, caller);
    },
    isReady: async () => (lifecycle.started() ? state.readiness() : { ready: false, status: 'starting' }),
    context: async (req, requestTelemetry) => contextFromRequest(req, callers.get(req) ?? null, requestTelemetry, options.policy.name),
  });
  const lifecycle: ApolloLifecycle = apolloLifecycle(apollo, http);
  let swapping = Promise.resolve();
  return {
    policy: options.policy,
    http,
    listen: async (port, host) => {
      const url = await lifecycle.listen(port, host);
      // Synchronously, before any request can be handled: the first one pays no planning.
      gateway.prepare(state.persistedOperations);
      return url;
    },
    stop: lifecycle.stop,
    supergraphSdl: () => state.supergraphSdl,
    plansBuilt: () => gateway.plansBuilt(),
    swap: (update) => {
      const run = async () => {
        const supergraphSdl = update.supergraphSdl ?? state.supergraphSdl;
        const next = buildSupergraphState(supergraphSdl, update.manifests ?? state.manifests, stateOptions);
        if (supergraphSdl !== state.supergraphSdl) gateway.update(supergraphSdl);
        state = next;
        knowOperationsOf(next);
        gateway.prepare(next.persistedOperations);
      };
      // One swap at a time, in order.
      const result = swapping.then(run, run);
      swapping = result.catch(() => undefined);
      return result;
    },
  };
}
