import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { EXPERIENCE_SUBGRAPH_NAME, type ExperienceSubgraph } from '../experience';
import { DEFAULT_SUBGRAPH_FETCH, supergraphForGateway, type SubgraphFetchPolicy } from '@bff/formats';
import { SubgraphBulkheads } from '../resilience/bulkhead';
import { SubgraphBreakers } from '../resilience/subgraph-breakers';
import { ForwardingDataSource } from './forwarding-data-source';
import type { BffMetrics } from '../server/bff-metrics';
import type { OperationExecutor } from '../server/run-operation';
import { createPlanExecutor, type QueryPlannerName } from './plan-executor';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Served in-process for the subgraph named `experience`; absent for foreign supergraphs. */
  experience?: ExperienceSubgraph;
  /** Routing URL overrides by subgraph name (the supergraph's URLs are the defaults). */
  subgraphUrls?: Readonly<Record<string, string>>;
  /** The credential subgraphs require. */
  gatewaySecret: string;
  /** Deadlines per subgraph fetch. @default DEFAULT_SUBGRAPH_FETCH */
  subgraphFetch?: SubgraphFetchPolicy;
  /** The subgraphs' circuits, kept across supergraph swaps. @default new ones per gateway */
  breakers?: SubgraphBreakers;
  /**
   * Who runs query plans: the kit (plan-executor.ts, the default) or stock @apollo/gateway
   * (for comparison, and as a way back should a plan ever need what only the stock one does).
   */
  planExecutor?: 'bff' | 'apollo';
  /** Who plans for the kit's executor (plan-executor.ts). @default 'hive' */
  queryPlanner?: QueryPlannerName;
  /** Subgraph fetch metrics. */
  metrics?: BffMetrics;
}

export interface KitGateway {
  /** Loads the supergraph: builds the API schema and the query planner. */
  load(): Promise<void>;
  /** True once the first supergraph is loaded. */
  loaded(): boolean;
  /**
   * Runs operations' plans on the supergraph loaded now, and keeps to it after an update:
   * the kit's executor, or stock @apollo/gateway's if so configured (which follows its own
   * updates).
   */
  pinnedExecutor(): OperationExecutor;
  stop(): Promise<void>;
  /**
   * Replaces the supergraph. The gateway builds the new schema and query planner, then swaps
   * them in at once: requests already running finish on the old ones. Throws (and keeps the
   * old one) if the new supergraph is not usable.
   */
  update(supergraphSdl: string): void;
  /** Query plans the kit's executor has built so far. */
  plansBuilt(): number;
  /** Plans these operations now (see PlanExecutor.prepare); a no-op with the stock executor. */
  prepare(operations: Iterable<{ query: string; operationName?: string }>): void;
}

export function createGateway(options: GatewayOptions): KitGateway {
  let update: ((supergraphSdl: string) => void) | undefined;
  const subgraphFetch = options.subgraphFetch ?? DEFAULT_SUBGRAPH_FETCH;
  const breakers = options.breakers ?? new SubgraphBreakers(subgraphFetch);
  const bulkheads = new SubgraphBulkheads({ maxInFlight: subgraphFetch.maxInFlight, maxQueued: subgraphFetch.maxQueued, maxQueueWaitMs: subgraphFetch.maxQueueWaitMs });
  const experienceSchema = options.experience
    ? buildSubgraphSchema({ typeDefs: options.experience.typeDefs, resolvers: options.experience.resolvers })
    : undefined;
  const gateway = new ApolloGateway({
    // The kit's executor runs the planner's Defer nodes (defer-runner.ts); the stock executor never sees one.
    queryPlannerConfig: { incrementalDelivery: { enableDefer: true } },
    // The hook form hands us `update`, the gateway's own hot-swap entry point.
    supergraphSdl: async (hooks) => {
      update = hooks.update;
      return { supergraphSdl: supergraphForGateway(options.supergraphSdl) };
    },
    buildService: ({ name, url }) => {
      if (name === EXPERIENCE_SUBGRAPH_NAME && experienceSchema) return new LocalGraphQLDataSource(experienceSchema);
      const target = options.subgraphUrls?.[name] ?? url;
      if (!target || !/^https?:\/\//.test(target)) {
        throw new Error(`Subgraph "${name}" has no HTTP routing URL (got "${target ?? ''}"); set SUBGRAPH_URL_${name.toUpperCase()}`);
      }
      return new ForwardingDataSource({
        name,
        url: target,
        gatewaySecret: options.gatewaySecret,
        timeoutMs: subgraphFetch.timeoutMsBySubgraph?.[name] ?? subgraphFetch.timeoutMs,
        breaker: breakers.for(name),
        bulkhead: bulkheads.for(name),
        dedupe: subgraphFetch.dedupeInFlight === true,
        metrics: options.metrics,
      });
    },
  });
  let stockExecutor: ((requestContext: any) => Promise<any>) | undefined;
  const planExecutor = createPlanExecutor(gateway, () => stockExecutor!, { planner: options.queryPlanner });
  return {
    load: async () => {
      stockExecutor = (await gateway.load()).executor as typeof stockExecutor;
    },
    loaded: () => stockExecutor !== undefined,
    pinnedExecutor: () => (options.planExecutor === 'apollo' ? (requestContext) => stockExecutor!(requestContext) : planExecutor.pinned()),
    stop: () => gateway.stop(),
    update: (supergraphSdl) => {
      if (!update) throw new Error('the gateway has not loaded its first supergraph yet');
      update(supergraphForGateway(supergraphSdl));
    },
    plansBuilt: () => planExecutor.plansBuilt(),
    prepare: (operations) => {
      if (options.planExecutor === 'apollo') return;
      for (const { query, operationName } of operations) planExecutor.prepare(query, operationName);
    },
  };
}
