import { readFileSync } from 'node:fs';
import { ConfigError, dataChangesFor, listenOrExplain, readTelemetryConfig, runService, ServiceTelemetry, type TelemetryConfig } from '@bff/platform';
import { readBffConfig, type BffConfig } from './config';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { experienceSubgraph, type ExperienceSubgraph } from './experience';
import { clientFiles, readPolicyOf, type ClientName, type ClientPolicy } from '@bff/formats';
import { createAuthenticator } from './auth/authenticator';
import { hivePlannerAvailable } from './gateway/hive-plan';
import { startRegistryPoller } from './registry/registry-poller';
import { UsageRecorder } from './usage/usage-recorder';
import { startUsageReporter } from './usage/usage-reporter';
import { createBffServer } from './server/create-bff-server';
import type { ApqStore } from './persisted/apq-store';
import { sharedApqStore } from './persisted/redis-apq-store';
import { redisTokenBuckets } from './rate-limits/redis-token-buckets';
import { redisResponseStore, type ResponseStore } from './response-cache/response-store';
import type { TokenBuckets } from './rate-limits/token-buckets';
import { connectRedis, redactedUrl } from './shared-state/redis-connection';
import { clusterWorkerId, reportWorkerStarted, shouldForkWorkers, superviseWorkers } from './process/workers';

export interface BffDefinition {
  policy: ClientPolicy;
  experience?: ExperienceSubgraph;
}

/**
 * A client's BFF from its files: the policy in `bffs/<client>/policy.yaml` and the
 * experience subgraph in `bffs/<client>/experience/`, served with these resolvers.
 */
export function clientBff(client: ClientName, experienceResolvers: GraphQLResolverMap<unknown>): BffDefinition {
  return { policy: readPolicyOf(client), experience: experienceSubgraph(clientFiles(client).experienceDir, experienceResolvers) };
}

/** The client's supergraph as `npm run schema:compose` wrote it. */
export function checkedInSupergraph(client: string): string {
  return clientFiles(client).supergraphFile;
}

/**
 * The `main` of a BFF process. `overrides` come from the command line (`npm run bff`).
 * With `WORKERS` > 1 this process becomes the primary of a cluster (`process/workers.ts`)
 * and each worker, started from the same entry point, takes the other branch and serves.
 */
export function startBffProcess(definition: BffDefinition, overrides: Partial<BffConfig> = {}): void {
  const client = `${definition.policy.name}-bff`;
  const workerId = clusterWorkerId();
  runService(workerId === undefined ? client : `${client}#${workerId}`, async (service) => {
    let config: BffConfig;
    let telemetryConfig: TelemetryConfig;
    try {
      config = { ...readBffConfig(definition.policy.defaultPort), ...overrides };
      telemetryConfig = readTelemetryConfig(client);
    } catch (error) {
      if (error instanceof ConfigError) return service.fail(`configuration error: ${error.message}`, 2);
      throw error;
    }
    if (shouldForkWorkers(config.workers)) {
      if (definition.policy.persistedQueries.mode === 'automatic' && !config.redisUrl) {
        // Each worker keeps its own APQ memory: a hash registered with one misses on the others.
        service.log(`warning: ${config.workers} workers without REDIS_URL: automatic persisted queries are kept per worker, so clients see more PERSISTED_QUERY_NOT_FOUND; set REDIS_URL to share them`);
      }
      const url = await superviseWorkers(service, { count: config.workers });
      if (url) service.log(`${config.workers} workers ready at ${url}/graphql`);
      return;
    }
    const supergraphFile = config.supergraphFile ?? checkedInSupergraph(definition.policy.name);
    let supergraphSdl: string;
    try {
      // The generated header comment is not part of the supergraph (and would make the registry's copy look different).
      supergraphSdl = readFileSync(supergraphFile, 'utf8').replace(/^(#[^\n]*\n)+/, '');
    } catch (error) {
      return service.fail(`cannot read the supergraph ${supergraphFile}: ${(error as Error).message}`, 2);
    }
    let apqStore: ApqStore | undefined;
    let rateLimitBuckets: TokenBuckets | false | undefined = config.rateLimits ? undefined : false;
    let responseStore: ResponseStore | false | undefined = config.responseCache ? undefined : false;
    let entityStore: ResponseStore | undefined;
    // Data changes clear the response cache: through Redis, or each subgraph's own stream.
    const dataChanges = config.redisUrl ? dataChangesFor(config.redisUrl, service.log) : ('subgraph-streams' as const);
    if (dataChanges !== 'subgraph-streams') service.onStop(() => dataChanges.close());
    if (config.redisUrl) {
      const connection = await connectRedis(config.redisUrl, { log: service.log });
      service.onStop(() => connection.close());
      apqStore = sharedApqStore(connection.redis, definition.policy.name, { log: service.log });
      // Budgets every replica shares; this replica's own while Redis cannot answer.
      if (config.rateLimits) rateLimitBuckets = redisTokenBuckets(connection.redis, 'bff:rate:', service.log);
      // Cached replies and entities every replica shares.
      if (config.responseCache) {
        responseStore = redisResponseStore(connection.redis, `bff:cache:${definition.policy.name}:`);
        entityStore = redisResponseStore(connection.redis, `bff:entities:${definition.policy.name}:`);
      }
    }
    const usage = config.registryUrl && config.usageReporting ? new UsageRecorder({ client: definition.policy.name }) : undefined;
    const telemetry = ServiceTelemetry.fromConfig(client, telemetryConfig);
    const server = createBffServer({
      usage,
      apqStore,
      policy: definition.policy,
      supergraphSdl,
      experience: definition.experience,
      subgraphUrls: config.subgraphUrls,
      mode: config.mode,
      gatewaySecret: config.gatewaySecret,
      authenticate: createAuthenticator(config.jwt),
      devSignIn: config.mode === 'development' ? config.jwt : undefined,
      telemetry,
      queryPlanner: config.queryPlanner,
      rateLimitBuckets,
      responseStore,
      entityStore,
      dataChanges,
      cacheAdminToken: config.cacheAdminToken,
    });
    if (usage && config.registryUrl && config.usageReporting) {
      const reporter = startUsageReporter({ recorder: usage, registryUrl: config.registryUrl, ...config.usageReporting, log: service.log, metrics: telemetry.metrics });
      // Registered before the server's stop, so it runs after it (steps run in reverse): the requests the drain lets finish are reported too.
      service.onStop(() => reporter.stop());
    }
    const url = await listenOrExplain(service, () => server.listen(config.port, config.host), config.port, config.host);
    service.onStop(() => server.stop());
    if (config.registryUrl) {
      const poller = startRegistryPoller(server, {
        registryUrl: config.registryUrl,
        client: definition.policy.name,
        manifests: definition.policy.persistedQueries.mode === 'safelist',
        intervalMs: config.registryPollMs,
        log: service.log,
      });
      service.onStop(async () => poller.stop());
      await poller.pollOnce();
    }
    const source = config.registryUrl ? `supergraph from the registry at ${config.registryUrl} (until it answers: ${supergraphFile})` : `supergraph ${supergraphFile}`;
    const apq = config.redisUrl ? `APQ shared in Redis at ${redactedUrl(config.redisUrl)}` : 'APQ in memory';
    const hive = hivePlannerAvailable();
    const planner = config.queryPlanner === 'apollo' ? "Apollo's query planner" : hive.available ? "the Hive Router's query planner" : `Apollo's query planner (the Hive planner does not load here: ${hive.reason})`;
    service.log(`${config.mode} mode, ${source}, ${apq}, ${planner}; ready at ${url}/graphql`);
    reportWorkerStarted();
  });
}
