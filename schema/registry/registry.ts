import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { clientFiles, sha256Hex, type PersistedQueryManifest, type UsageReport } from '@bff/formats';
import type { Database } from '@bff/platform';
import { buildSchema, parse, validate } from 'graphql';
import { CLIENTS, composeClient, ROVER_CONFIG, type ClientSchemaSource } from '../src/clients';
import { REPO_ROOT } from '@bff/platform';
import { operationCollector, type RegisteredOperations } from '../src/check/registered-operations';
import { runChecks } from '../src/check/run-checks';
import type { CheckReport, ClientTraffic, OperationTraffic } from '../src/check/types';
import { loadSubgraphSources, type SubgraphSource } from '../src/compose';
import { readOperations } from '../src/operations';
import { readRoverConfig } from '../src/rover-config';
import * as store from './data/registry-store';
import * as usageStore from './data/usage-store';

/** The PostgreSQL advisory lock every registry replica takes to write a publish. */
const PUBLISH_LOCK = 4_110_001;

export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface PublishRequest {
  subgraph: string;
  sdl: string;
  routingUrl?: string;
  publishedBy: string;
  force?: boolean;
  reason?: string;
}

export interface RegistryOptions {
  /** The clients it composes for. @default every client */
  clients?: readonly ClientSchemaSource[];
  /** Days of usage kept. @default 30 */
  usageRetentionDays?: number;
  /** Days of traffic a check and a retirement look back over. @default 7 */
  trafficWindowDays?: number;
}

export interface RetireRequest {
  retiredBy: string;
  /** Retire even though the release had traffic in the window; needs a reason, kept with the retirement. */
  force?: boolean;
  reason?: string;
}

export interface PublishResult {
  version: number;
  checkRunId: number;
  report: CheckReport;
  clients: Record<string, { version: number; changed: boolean }>;
}

/** Web's registered operations are stored like a manifest, under this "app version". */
export const WEB_OPERATIONS_VERSION = 'operations';

/**
 * The schema registry: every subgraph version, each client's composed supergraph, the
 * persisted-query manifests per client and app version, and the history of check runs.
 * Publishing runs the same checks as `npm run schema:check`, against what the registry
 * holds (its latest SDLs, its published client schemas, its non-retired manifests).
 */
export class Registry {
  /** Publishes and manifest changes run one at a time; checks read a consistent state. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly clients: readonly ClientSchemaSource[];
  readonly usageRetentionDays: number;
  readonly trafficWindowDays: number;
  private lastExpiry = 0;

  constructor(
    private readonly db: Database,
    options: RegistryOptions = {},
  ) {
    this.clients = options.clients ?? CLIENTS;
    this.usageRetentionDays = options.usageRetentionDays ?? 30;
    this.trafficWindowDays = options.trafficWindowDays ?? 7;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** First start: the current rover.yaml SDLs as version 1, the client supergraphs, the manifests in the repo. */
  async bootstrap(): Promise<boolean> {
    return this.exclusive(async () => {
      if ((await store.latestSubgraphs(this.db)).length > 0) return false;
      const sources = loadSubgraphSources(readRoverConfig(ROVER_CONFIG).subgraphs);
      await this.db.transaction(async (tx) => {
        for (const source of sources) {
          await store.insertSubgraphVersion(tx, { subgraph: source.name, routingUrl: source.url, sdl: source.sdl, publishedBy: 'bootstrap', forced: false, forceReason: null, checkRunId: null });
        }
        await this.composeAll(tx, sources);
        for (const client of this.clients) {
          for (const [version, manifest] of repoManifests(client)) {
            await store.upsertManifest(tx, client.policy.name, version, JSON.stringify(manifest), 'bootstrap');
            const pq = client.policy.persistedQueries;
            if (pq.mode === 'safelist' && !pq.supportedAppVersions.includes(version)) {
              await store.retireManifest(tx, client.policy.name, version, 'bootstrap');
            }
          }
        }
      });
      return true;
    });
  }

  async domain(): Promise<SubgraphSource[]> {
    return (await this.domainAt(this.db)).domain;
  }

  /** The latest version of every subgraph, and a key that changes whenever any of them does. */
  private async domainAt(db: import('@bff/platform').Queryable): Promise<{ domain: SubgraphSource[]; key: string }> {
    const rows = await store.latestSubgraphs(db);
    return {
      domain: rows.map((row) => ({ name: row.subgraph, url: row.routing_url, sdl: row.sdl })),
      key: rows.map((row) => `${row.subgraph}@${row.version}`).sort().join(','),
    };
  }

  private async composeAll(db: import('@bff/platform').Queryable, domain: readonly SubgraphSource[]) {
    const result: Record<string, { version: number; changed: boolean }> = {};
    for (const client of this.clients) {
      const composed = composeClient(client, domain);
      if (!composed.ok) throw new RegistryError(422, 'COMPOSITION_FAILED', `${client.policy.name} does not compose`, { errors: composed.errors });
      result[client.policy.name] = await store.storeClientSupergraph(db, {
        client: client.policy.name,
        supergraphSdl: composed.supergraphSdl,
        apiSchemaSdl: composed.apiSchemaSdl,
        etag: sha256Hex(composed.supergraphSdl),
      });
    }
    return result;
  }

  private async registered(client: string): Promise<RegisteredOperations> {
    const collected = operationCollector();
    const skipped: { source: string; reason: string }[] = [];
    for (const row of await store.clientManifests(this.db, client)) {
      const source = row.app_version === WEB_OPERATIONS_VERSION ? `${client} operations` : `app ${row.app_version}`;
      if (row.retired_at) {
        skipped.push({ source, reason: `retired by ${row.retired_by} on ${row.retired_at.toISOString()}${row.retire_reason ? ` (forced: ${row.retire_reason})` : ''}` });
        continue;
      }
      const appVersion = row.app_version === WEB_OPERATIONS_VERSION ? undefined : row.app_version;
      for (const op of (JSON.parse(row.manifest) as PersistedQueryManifest).operations) collected.add(op.name, op.body, source, appVersion);
    }
    return { operations: collected.list(), skipped };
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    return this.exclusive(async () => {
      const { domain, key: checkedAgainst } = await this.domainAt(this.db);
      const current = domain.find((s) => s.name === request.subgraph);
      if (!current && !request.routingUrl) {
        throw new RegistryError(400, 'BAD_REQUEST', `New subgraph "${request.subgraph}" needs a routingUrl`);
      }
      if (request.force && !request.reason?.trim()) {
        throw new RegistryError(400, 'BAD_REQUEST', 'A forced publish needs a reason; it is recorded with the version.');
      }
      const published = new Map<string, string>();
      for (const client of this.clients) {
        const row = await store.currentClientSupergraph(this.db, client.policy.name);
        if (row) published.set(client.policy.name, row.api_schema_sdl);
      }
      const registered = new Map<string, RegisteredOperations>();
      const traffic = new Map<string, ClientTraffic>();
      for (const client of this.clients) {
        registered.set(client.policy.name, await this.registered(client.policy.name));
        traffic.set(client.policy.name, await this.traffic(client.policy.name));
      }
      const proposedDomain = current ? domain : [...domain, { name: request.subgraph, url: request.routingUrl!, sdl: request.sdl }];
      const report = runChecks({
        proposed: { [request.subgraph]: request.sdl },
        domain: proposedDomain,
        clients: this.clients,
        baseline: { description: 'the registry’s current client schemas', apiSchema: (client) => published.get(client) },
        registered: (policy) => registered.get(policy.name)!,
        traffic: { description: `the registry’s usage reports (last ${this.trafficWindowDays} days)`, forClient: (client) => traffic.get(client) },
      });
      const composes = report.clients.every((c) => c.build.ok);
      const publishable = composes && (report.outcome !== 'failed' || request.force === true);
      const record = {
        subgraph: request.subgraph,
        requestedBy: request.publishedBy,
        outcome: report.outcome,
        published: publishable,
        forced: publishable && report.outcome === 'failed',
        forceReason: request.force ? (request.reason ?? null) : null,
        report: JSON.stringify(report),
      };
      if (!publishable) {
        const checkRunId = await store.insertCheckRun(this.db, record);
        const why = composes ? 'the checks failed (publish with force and a reason to override)' : 'it does not compose (cannot be forced)';
        throw new RegistryError(composes ? 409 : 422, composes ? 'CHECKS_FAILED' : 'COMPOSITION_FAILED', `Not published: ${why}.`, { checkRunId, report });
      }
      return this.db.transaction(async (tx) => {
        // Replicas share the database, not this process's queue: one publish writes at a time,
        // and one whose checks ran against versions that have changed since is not written.
        await tx.query('SELECT pg_advisory_xact_lock($1)', [PUBLISH_LOCK]);
        if ((await this.domainAt(tx)).key !== checkedAgainst) {
          throw new RegistryError(409, 'CONFLICT', 'Another publish landed while this one was being checked, so nothing was published: check it again against the new versions, then retry.', { retry: true });
        }
        const checkRunId = await store.insertCheckRun(tx, record);
        const version = await store.insertSubgraphVersion(tx, {
          subgraph: request.subgraph,
          routingUrl: request.routingUrl ?? current!.url,
          sdl: request.sdl,
          publishedBy: request.publishedBy,
          forced: record.forced,
          forceReason: record.forced ? record.forceReason : null,
          checkRunId,
        });
        const next = proposedDomain.map((s) => (s.name === request.subgraph ? { ...s, sdl: request.sdl, url: request.routingUrl ?? s.url } : s));
        const clients = await this.composeAll(tx, next);
        return { version, checkRunId, report, clients };
      });
    });
  }

  /** A client's current manifests (non-retired) with an ETag over their content. */
  async activeManifests(client: string): Promise<{ etag: string; body: string }> {
    this.requireClient(client);
    const rows = (await store.clientManifests(this.db, client)).filter((r) => !r.retired_at && r.app_version !== WEB_OPERATIONS_VERSION);
    const manifests = Object.fromEntries(rows.map((r) => [r.app_version, JSON.parse(r.manifest)]));
    const body = JSON.stringify({ client, supportedAppVersions: rows.map((r) => r.app_version), manifests });
    return { etag: sha256Hex(body), body };
  }

  /**
   * A safelisted client's persisted-query list in the form Apollo Router fetches it: one
   * Apollo manifest with the operations of every active release, each id once. Undefined
   * for a client without a safelist (web runs automatic persisted queries).
   */
  async persistedQueryList(client: string): Promise<{ id: string; manifest: PersistedQueryManifest } | undefined> {
    this.requireClient(client);
    const policy = this.clients.find((c) => c.policy.name === client)!.policy;
    if (policy.persistedQueries.mode !== 'safelist') return undefined;
    const rows = (await store.clientManifests(this.db, client)).filter((r) => !r.retired_at && r.app_version !== WEB_OPERATIONS_VERSION);
    const operations = new Map<string, PersistedQueryManifest['operations'][number]>();
    for (const row of rows) for (const op of (JSON.parse(row.manifest) as PersistedQueryManifest).operations) if (!operations.has(op.id)) operations.set(op.id, op);
    const manifest: PersistedQueryManifest = { format: 'apollo-persisted-query-manifest', version: 1, operations: [...operations.values()].sort((a, b) => a.id.localeCompare(b.id)) };
    return { id: sha256Hex(JSON.stringify(manifest)), manifest };
  }

  async publishManifest(client: string, appVersion: string, manifest: unknown, by: string): Promise<void> {
    this.requireClient(client);
    const m = manifest as PersistedQueryManifest;
    if (m?.format !== 'apollo-persisted-query-manifest' || m.version !== 1 || !Array.isArray(m.operations)) {
      throw new RegistryError(400, 'BAD_REQUEST', 'Not an Apollo persisted-query manifest (format "apollo-persisted-query-manifest", version 1).');
    }
    return this.exclusive(async () => {
      const current = await store.currentClientSupergraph(this.db, client);
      const api = buildSchema(current!.api_schema_sdl);
      const problems: string[] = [];
      for (const op of m.operations) {
        if (typeof op.body !== 'string' || sha256Hex(op.body) !== op.id) {
          problems.push(`${op.name ?? '?'}: id is not the sha256 of body`);
          continue;
        }
        const errors = validate(api, parse(op.body));
        if (errors.length) problems.push(`${op.name}: ${errors.map((e) => e.message).join('; ')}`);
      }
      if (problems.length) {
        throw new RegistryError(422, 'INVALID_MANIFEST', `Operations that do not validate against the ${client} API schema`, { problems });
      }
      await store.upsertManifest(this.db, client, appVersion, JSON.stringify(m), by);
    });
  }

  /**
   * Retires a release: its operations leave the safelist and the checks. A release that
   * still had traffic in the window is refused (409 RELEASE_IN_USE, naming the traffic)
   * unless forced with a reason: its users would get PERSISTED_QUERY_NOT_IN_LIST.
   */
  async retireManifest(client: string, appVersion: string, request: RetireRequest): Promise<{ traffic: OperationTraffic[] }> {
    this.requireClient(client);
    if (request.force && !request.reason?.trim()) throw new RegistryError(400, 'BAD_REQUEST', 'A forced retirement needs a reason; it is recorded with the retirement.');
    return this.exclusive(async () => {
      const active = (await store.clientManifests(this.db, client)).some((r) => r.app_version === appVersion && !r.retired_at);
      if (!active) throw new RegistryError(404, 'NOT_FOUND', `No active manifest for ${client} app ${appVersion}`);
      const traffic = (await this.traffic(client, appVersion)).operations;
      if (traffic.length && !request.force) {
        const requests = traffic.reduce((sum, op) => sum + op.requests, 0);
        const lastSeen = traffic.map((op) => op.lastSeen).sort().at(-1);
        const operations = [...new Set(traffic.map((op) => op.operationName ?? op.operationId))];
        throw new RegistryError(
          409,
          'RELEASE_IN_USE',
          `${client} app ${appVersion} had ${requests} request(s) in the last ${this.trafficWindowDays} days (last seen ${lastSeen}; operations ${operations.join(', ')}): its users would lose the API. Retire it with force and a reason to do it anyway.`,
          { traffic: traffic.map(({ coordinates: _, ...op }) => op) },
        );
      }
      await store.retireManifest(this.db, client, appVersion, request.retiredBy, request.force ? request.reason!.trim() : null);
      return { traffic };
    });
  }

  /** Stores a BFF's usage report, and now and then deletes what has left the retention window. */
  async recordUsage(report: UsageReport): Promise<void> {
    this.requireClient(report.client);
    await this.db.transaction((tx) => usageStore.insertUsage(tx, report));
    if (Date.now() - this.lastExpiry > 3_600_000) await this.expireUsage();
  }

  /** Deletes usage older than the retention window; returns the rows removed. */
  async expireUsage(): Promise<number> {
    this.lastExpiry = Date.now();
    return usageStore.deleteExpiredUsage(this.db, this.usageRetentionDays);
  }

  /** A client's traffic over the last `days` days (default: the check window), optionally of one app version. */
  async traffic(client: string, appVersion?: string, days = this.trafficWindowDays): Promise<ClientTraffic> {
    this.requireClient(client);
    const rows = await usageStore.clientTraffic(this.db, client, days, appVersion);
    return {
      windowDays: days,
      operations: rows.map((row) => ({
        operationId: row.operation_id,
        operationName: row.operation_name,
        clientName: row.client_name,
        clientVersion: row.client_version,
        requests: Number(row.requests),
        errors: Number(row.errors),
        lastSeen: row.last_seen.toISOString(),
        coordinates: row.coordinates ?? [],
      })),
    };
  }

  /** The clients this registry composes for, by name: each is a graph of its own. */
  clientNames(): string[] {
    return this.clients.map((c) => c.policy.name);
  }

  requireClient(client: string): void {
    if (!this.clients.some((c) => c.policy.name === client)) throw new RegistryError(404, 'NOT_FOUND', `No client "${client}"`);
  }
}

/** The manifests checked into the repo for a client (web: its operations, as one manifest). */
function repoManifests(client: ClientSchemaSource): [string, PersistedQueryManifest][] {
  const pq = client.policy.persistedQueries;
  if (pq.mode === 'safelist') {
    const dir = resolve(REPO_ROOT, pq.manifestsDir);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f.slice(0, -5), JSON.parse(readFileSync(resolve(dir, f), 'utf8')) as PersistedQueryManifest]);
  }
  const dir = clientFiles(client.policy.name).operationsDir;
  if (!existsSync(dir)) return [];
  return [[WEB_OPERATIONS_VERSION, { format: 'apollo-persisted-query-manifest', version: 1, operations: readOperations(dir) }]];
}
