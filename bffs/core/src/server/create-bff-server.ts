import { createGraphQLHttpServer, DEVELOPMENT_GATEWAY_SECRET, ErrorCode, inProcessDataChanges, ServiceTelemetry, type DataChange, type DataChanges, type GraphQLHttpServer } from '@bff/platform';
import { DEFAULT_SUBGRAPH_FETCH, type ClientPolicy, type PersistedQueryManifest } from '@bff/formats';
import { createAuthenticator, DEVELOPMENT_JWT, type Authenticator, type JwtConfig } from '../auth/authenticator';
import { devSignInRoutes } from '../auth/dev-sign-in';
import type { BffMode } from '../bff-mode';
import type { ExperienceSubgraph } from '../experience';
import { createGateway } from '../gateway/create-gateway';
import type { QueryPlannerName } from '../gateway/plan-executor';
import { memoryApqStore, type ApqStore } from '../persisted/apq-store';
import { SubgraphBreakers } from '../resilience/subgraph-breakers';
import { createBffMetrics } from './bff-metrics';
import { createBffRequestHandler, type Serving } from './bff-request-handler';
import type { OperationExecutor } from './run-operation';
import type { UsageRecorder } from '../usage/usage-recorder';
import { registeredOperationNames } from './registered-operations';
import { buildSupergraphState, type SupergraphState } from './supergraph-state';
import { createRateLimiter } from '../rate-limits/rate-limiter';
import { cacheInvalidationRoutes } from '../response-cache/invalidation-route';
import { createEntityCache } from '../response-cache/entity-cache';
import { createResponseCache } from '../response-cache/response-cache';
import { memoryResponseStore, type ResponseStore } from '../response-cache/response-store';
import { subgraphChangeStreams } from '../response-cache/subgraph-change-streams';
import { memoryTokenBuckets, type TokenBuckets } from '../rate-limits/token-buckets';
import { OpenSubscriptions } from '../subscriptions/open-subscriptions';
import { attachWebSocketTransport } from '../subscriptions/websocket-transport';

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
  /**
   * The development sign-in (`auth/dev-sign-in.ts`) mints tokens with these HS256 settings.
   * Never in production mode; absent when tokens come from an identity provider (no secret).
   * @default the development JWT settings in development mode when `authenticate` is the default
   */
  devSignIn?: JwtConfig;
  /** Who runs query plans (see create-gateway.ts). @default 'bff' */
  planExecutor?: 'bff' | 'apollo';
  /** Who plans for the kit's executor: @apollo/query-planner or the Hive Router's planner (gateway/hive-plan.ts). @default 'hive' */
  queryPlanner?: QueryPlannerName;
  /** Logs, metrics and traces. @default quiet: metrics at /metrics, no log lines, no traces */
  telemetry?: ServiceTelemetry;
  /** Counts the operations that ran, for the registry's usage reports (`usage/`). @default none */
  usage?: UsageRecorder;
  /**
   * Where the policy's rate-limit budgets are kept (`redisTokenBuckets`: shared by every
   * replica); `false`: no rate limits whatever the policy says (`RATE_LIMITS=off`, load tests).
   * @default this process's memory
   */
  rateLimitBuckets?: TokenBuckets | false;
  /**
   * Where the policy's response cache keeps replies (`redisResponseStore`: shared by every
   * replica); `false`: no response cache whatever the policy says. @default this process's memory
   */
  responseStore?: ResponseStore | false;
  /**
   * Where the policy's entity cache keeps subgraph entities (`redisResponseStore` with its own
   * prefix); `responseStore: false` turns it off too. @default this process's memory
   */
  entityStore?: ResponseStore;
  /**
   * Where subgraphs announce data changes, which clear the response cache: a channel
   * (Redis pub/sub), or `subgraph-streams` to follow each subgraph's own `/changes` stream
   * (a BFF without Redis). @default within this process
   */
  dataChanges?: DataChanges | 'subgraph-streams';
  /** The operators' token for `POST /cache/invalidate` (`CACHE_ADMIN_TOKEN`); none: no such path. */
  cacheAdminToken?: string;
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
  /** Loads the supergraph (API schema, query planner, subgraphs), plans the persisted operations, listens; resolves with the base URL. */
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
  const notLoaded: OperationExecutor = () => Promise.reject(new Error('the BFF has not loaded its supergraph yet'));
  // The gate of one supergraph with the executor of the same one, replaced as one value.
  let serving: Serving = { state: buildSupergraphState(options.supergraphSdl, options.manifests, stateOptions), execute: notLoaded };
  // A client's registered and persisted operations are its own series; any other name a
  // caller sends folds into `__other`, so callers cannot grow the metrics without end.
  const clientOperations = registeredOperationNames(options.policy.name);
  const knowOperationsOf = (current: SupergraphState) =>
    telemetry.labels.operation.setKnown(new Set([...clientOperations, ...current.persistedOperations.flatMap((op) => (op.operationName ? [op.operationName] : []))]), 0);
  knowOperationsOf(serving.state);
  const gateway = createGateway({ ...options, gatewaySecret, subgraphFetch, breakers, metrics });
  const devSignIn = mode === 'development' ? (options.devSignIn ?? (options.authenticate ? undefined : DEVELOPMENT_JWT)) : undefined;
  let selfUrl = '';
  const openSubscriptions = new OpenSubscriptions(limits);
  telemetry.metrics.gauge('bff_open_subscriptions', 'Subscriptions open on this replica (both transports).', () => openSubscriptions.size());
  const subscriptions = { open: openSubscriptions, metrics, usage: options.usage, current: () => serving.state };
  const authenticate = options.authenticate ?? createAuthenticator(DEVELOPMENT_JWT);
  const rateLimiter =
    options.policy.rateLimits && options.rateLimitBuckets !== false
      ? createRateLimiter(options.policy.rateLimits, options.policy.name, options.rateLimitBuckets ?? memoryTokenBuckets())
      : undefined;
  const cachePolicy = options.policy.responseCache;
  const responseCache =
    cachePolicy && options.responseStore !== false
      ? createResponseCache(cachePolicy, options.policy.name, options.responseStore ?? memoryResponseStore(cachePolicy.maxEntries, () => metrics.responseCache('evicted')), (outcome) => metrics.responseCache(outcome))
      : undefined;
  const entityPolicy = cachePolicy?.entities;
  const entityCache =
    entityPolicy && options.responseStore !== false
      ? createEntityCache(entityPolicy, cachePolicy.privatePerUser, options.policy.name, options.entityStore ?? memoryResponseStore(entityPolicy.maxEntries, () => metrics.entityCache('evicted')), (outcome) => metrics.entityCache(outcome))
      : undefined;
  const caches = [responseCache, entityCache].filter((cache) => cache !== undefined);
  const invalidate = async (change: DataChange) => (await Promise.all(caches.map((cache) => cache.invalidate(change)))).reduce((sum, n) => sum + n, 0);
  // Cached replies and entities follow the data: a subgraph's announced change clears those that show it.
  const dataChanges =
    options.dataChanges === 'subgraph-streams'
      ? subgraphChangeStreams(serving.state.subgraphs, gatewaySecret, (line) => telemetry.logger.warn(line))
      : (options.dataChanges ?? inProcessDataChanges());
  const stopFollowingChanges =
    caches.length > 0
      ? dataChanges.subscribe(
          (change) => void invalidate(change),
          () => caches.forEach((cache) => void cache.clear()),
        )
      : () => undefined;
  const http: GraphQLHttpServer = createGraphQLHttpServer({
    routes: {
      ...(devSignIn?.secret ? devSignInRoutes({ jwt: devSignIn, graphqlUrl: () => `${selfUrl}/graphql`, maxRootFields: limits.maxRootFields }) : {}),
      ...(caches.length > 0 && options.cacheAdminToken ? cacheInvalidationRoutes(invalidate, options.cacheAdminToken) : {}),
    },
    handle: createBffRequestHandler({
      policy: options.policy,
      mode,
      serving: () => serving,
      authenticate,
      usage: options.usage,
      subscriptions,
      rateLimiter,
      responseCache,
      entityCache,
    }),
    maxBodyBytes: limits.maxBodyBytes,
    bodyLimitRejection: { status: 400, code: ErrorCode.BODY_LIMIT_EXCEEDED },
    telemetry,
    isReady: async () => (gateway.loaded() ? serving.state.readiness() : { ready: false, status: 'starting' }),
  });
  const webSockets = attachWebSocketTransport({ http, clientName: options.policy.name, serving: () => serving, authenticate, subscriptions, telemetry, rateLimiter });
  let swapping = Promise.resolve();
  let stopped: Promise<void> | undefined;
  return {
    policy: options.policy,
    http,
    listen: async (port, host) => {
      if (!gateway.loaded()) {
        await gateway.load();
        serving = { state: serving.state, execute: gateway.pinnedExecutor() };
        // Before the first request can arrive: it pays no planning.
        gateway.prepare(serving.state.persistedOperations);
      }
      selfUrl = await http.listen(port, host);
      return selfUrl;
    },
    // Subscriptions end first (each with a `complete` its client can reconnect after), then
    // HTTP drains, so requests in flight finish, then the gateway stops, then the last spans go.
    // Once: a second call waits for the first.
    stop: () =>
      (stopped ??= (async () => {
        openSubscriptions.drain();
        stopFollowingChanges();
        if (options.dataChanges === 'subgraph-streams') await dataChanges.close();
        await webSockets.close();
        await http.close();
        if (gateway.loaded()) await gateway.stop();
        await telemetry.shutdown();
      })()),
    supergraphSdl: () => serving.state.supergraphSdl,
    plansBuilt: () => gateway.plansBuilt(),
    swap: (update) => {
      const run = async () => {
        const current = serving.state;
        const supergraphSdl = update.supergraphSdl ?? current.supergraphSdl;
        // Everything is built and checked before anything is replaced; a throw leaves the BFF as it was.
        const next = buildSupergraphState(supergraphSdl, update.manifests ?? current.manifests, stateOptions);
        if (supergraphSdl !== current.supergraphSdl) gateway.update(supergraphSdl);
        // One step: requests already admitted keep the gate and executor they started with.
        serving = { state: next, execute: gateway.pinnedExecutor() };
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
