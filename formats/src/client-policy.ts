import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { APP_VERSION } from './release-window';

/**
 * A client policy: everything that makes one BFF different from another, as plain data.
 * The web and mobile BFFs are this plus an experience subgraph; the kit does the rest.
 * Each client's policy is a YAML (or JSON) file, `bffs/<client>/policy.yaml`, read by the
 * BFF and by the schema toolchain alike through `readClientPolicy`.
 */
export interface ClientPolicy {
  /** Client name, e.g. `web`; also the directory of its artifacts under `schema/clients/`. */
  name: string;
  /** Port when `PORT` is not set. */
  defaultPort: number;
  /** Schema elements tagged with any of these are hidden from this client's API schema. */
  contract: { excludeTags: readonly string[] };
  /** Per-operation limits; every rejection is HTTP 400 with its own `extensions.code`. */
  limits: OperationLimits;
  persistedQueries: PersistedQueryPolicy;
  /** Introspection in production mode (development mode always has it). */
  introspectionInProduction: boolean;
  /** How the BFF waits for subgraphs, and when it stops asking a failing one. */
  subgraphFetch: SubgraphFetchPolicy;
  /** Cost budgets per caller and per app version; none: no rate limits. */
  rateLimits?: RateLimitPolicy;
  /** Which query replies the BFF keeps and serves again; none: no response cache. */
  responseCache?: ResponseCachePolicy;
}

/**
 * Whole query replies kept for the max-age their subgraphs' cache hints allow (never a reply
 * with errors): an anonymous caller's PUBLIC reply for everyone, a signed-in caller's only for
 * that caller and only with `privatePerUser`.
 */
export interface ResponseCachePolicy {
  /** The longest a reply is kept, whatever its hints say. */
  maxTtlSeconds: number;
  /** Replies kept in memory at most (a BFF without Redis); the least recently used go first. */
  maxEntries: number;
  /** Keep signed-in callers' replies too, each under its caller's own key. */
  privatePerUser: boolean;
  /** Subgraph fetches kept and reused inside query plans; none: every plan fetches all it needs. */
  entities?: EntityCachePolicy;
}

/**
 * What the BFF keeps of its subgraph fetches, Apollo Router's two units: each entity of an
 * `_entities` fetch on its own (a product's catalog fields, its rating summary), and a root
 * field fetch's reply as a whole. Each for its subgraph reply's max-age, PUBLIC ones for every
 * caller, PRIVATE ones only under the caller's own key with `privatePerUser`.
 */
export interface EntityCachePolicy {
  /** The longest an entity is kept, whatever its hints say. */
  maxTtlSeconds: number;
  /** Entities kept in memory at most (a BFF without Redis); the least recently used go first. */
  maxEntries: number;
  /**
   * How long to keep a reply whose subgraph sends no Cache-Control header at all (as Apollo
   * Router's configured ttl); the client is not told it may cache it. None: such replies are
   * not kept. A reply that says `no-store` or `max-age=0` is never kept.
   */
  defaultTtlSeconds?: number;
}

/**
 * Token buckets charged by each operation's estimated cost (the same cost the `maxCost`
 * limit measures), refilled continuously, each holding at most one minute's budget: a caller
 * may spend a minute's budget at once, then what refills.
 */
export interface RateLimitPolicy {
  /** Cost one anonymous caller (one address) may spend per minute. */
  anonymousPerMinute: number;
  /** Cost one signed-in user may spend per minute. */
  userPerMinute: number;
  /** Cost all callers of one app version (client name and version) may spend per minute together. */
  appPerMinute: number;
  /**
   * Proxies in front of the BFF (addresses or CIDR ranges) whose `X-Forwarded-For` is
   * believed for an anonymous caller's address; none: the connection's address is the caller's.
   */
  trustedProxies: readonly string[];
}

/**
 * A subgraph that is down or slow costs the client the fields it serves, never the whole
 * response: each fetch has a deadline, and a per-subgraph circuit breaker stops calling a
 * subgraph that keeps failing. Queries retry once on a failed connection; mutations never.
 */
export interface SubgraphFetchPolicy {
  /** Deadline of one subgraph fetch, response body included, in milliseconds. */
  timeoutMs: number;
  /** Deadlines for particular subgraphs, by subgraph name (e.g. a slow search service). */
  timeoutMsBySubgraph?: Readonly<Record<string, number>>;
  /** Consecutive failed fetches (connection, deadline, HTTP 5xx) that open a subgraph's circuit. */
  breakerFailureThreshold: number;
  /** How long an open circuit answers at once, without calling, before one trial fetch goes through. */
  breakerOpenMs: number;
  /**
   * Identical query fetches in flight at once (same subgraph, query, variables and caller)
   * share one request. Mutations never do. @default false
   */
  dedupeInFlight?: boolean;
  /**
   * Fetches in flight at once to one subgraph from this BFF (its bulkhead); past it a fetch
   * waits in a queue of `maxQueued` for at most `maxQueueWaitMs`, then its request is refused
   * with 503 OVERLOADED, so a flood through one client stops at its own BFF.
   */
  maxInFlight: number;
  maxQueued: number;
  maxQueueWaitMs: number;
}

/**
 * - `automatic`: automatic persisted queries (APQ): a client sends a hash, and the query
 *   text once when the hash is unknown; free text is allowed too. For clients that change
 *   daily (the web app).
 * - `safelist`: only operations from the manifests of supported app versions run, by hash.
 *   For clients whose builds are fixed once shipped (the mobile app).
 */
export type PersistedQueryPolicy =
  | { mode: 'automatic' }
  | {
      mode: 'safelist';
      /** Directory of `<appVersion>.json` manifests, relative to the repository root. */
      manifestsDir: string;
      /** App versions still supported; retiring one removes its operations from the safelist. */
      supportedAppVersions: readonly string[];
      /**
       * Supported releases below this version are past their support window: the BFF answers
       * their requests with UPGRADE_REQUIRED (release-window.ts), and the checks skip them.
       */
      minimumVersion?: string;
      /** Per supported release, the date (ISO 8601) after which it is past its support window. */
      supportedUntil?: Readonly<Record<string, string>>;
      /** Whether query text (not a hash) is accepted: a convenience for development only. */
      freeText: { development: boolean; production: boolean };
    };

export interface OperationLimits {
  /** Deepest nesting of fields, fragments expanded (`{ a { b } }` is 2). */
  maxDepth: number;
  /** Aliased fields in one operation. */
  maxAliases: number;
  /** Fields selected at the root of one operation (fragments expanded). */
  maxRootFields: number;
  /** Lexical tokens in one document; counted before parsing, so a huge document costs little. */
  maxTokens: number;
  /** Deferred fragments (`@defer`) in one operation, fragments expanded; 0: @defer is not allowed. */
  maxDeferredFragments: number;
  /** Directives written in one document (`@include`, `@skip`, `@defer`, unknown ones too). */
  maxDirectives: number;
  /** Subscriptions open at once on one connection (a WebSocket; an SSE stream holds one); 0: no subscriptions. */
  maxSubscriptionsPerConnection: number;
  /** Subscriptions one signed-in user (or one anonymous address) holds open at once, over all connections to one BFF replica. */
  maxSubscriptionsPerUser: number;
  /** Estimated cost: `@cost` weights (1 per object, 0 per scalar by default) times list sizes. */
  maxCost: number;
  /** List size assumed when a list has no `@listSize` and no `first`/`last` argument. */
  defaultListSize: number;
  /** Operations in one HTTP batch (a JSON array); 1 turns batching off. */
  maxBatchSize: number;
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
}

/** Limits of a client that says nothing else: generous, but never unlimited. */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDepth: 15,
  maxAliases: 50,
  maxRootFields: 15,
  maxTokens: 10_000,
  maxDeferredFragments: 4,
  maxDirectives: 50,
  maxSubscriptionsPerConnection: 10,
  maxSubscriptionsPerUser: 20,
  maxCost: 50_000,
  defaultListSize: 10,
  maxBatchSize: 10,
  maxBodyBytes: 1024 * 1024,
};

/** An IPv4 or IPv6 address, with or without a prefix length. */
const ADDRESS_OR_RANGE = /^(?:\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(?:\/\d{1,3})?)$/;

/** Limits whose 0 turns a feature off rather than refusing everything. */
const ZERO_TURNS_OFF = new Set<keyof OperationLimits>(['maxDeferredFragments', 'maxSubscriptionsPerConnection', 'maxSubscriptionsPerUser']);

export const DEFAULT_SUBGRAPH_FETCH: SubgraphFetchPolicy = {
  timeoutMs: 10_000,
  breakerFailureThreshold: 5,
  breakerOpenMs: 5_000,
  dedupeInFlight: false,
  maxInFlight: 128,
  maxQueued: 512,
  maxQueueWaitMs: 200,
};

/** The policy of `npm run bff` without `--policy`: a client that hides nothing. */
export const DEFAULT_CLIENT_POLICY: ClientPolicy = {
  name: 'default',
  defaultPort: 4300,
  contract: { excludeTags: [] },
  limits: DEFAULT_OPERATION_LIMITS,
  persistedQueries: { mode: 'automatic' },
  introspectionInProduction: false,
  subgraphFetch: DEFAULT_SUBGRAPH_FETCH,
};

export class ClientPolicyError extends Error {
  override name = 'ClientPolicyError';
}

/**
 * Reads a policy file (YAML or JSON; JSON is YAML) and checks every field it sets. What it
 * leaves out is the default's: a policy says only what differs.
 */
export function readClientPolicy(file: string): ClientPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ClientPolicyError(`${file}: cannot read the policy (${(error as Error).message})`);
  }
  return parseClientPolicy(text, file);
}

/** A policy from its text; `source` names it in errors. */
export function parseClientPolicy(text: string, source: string): ClientPolicy {
  let given: unknown;
  try {
    given = parseYaml(text);
  } catch (error) {
    throw new ClientPolicyError(`${source}: not YAML or JSON (${(error as Error).message})`);
  }
  return checkClientPolicy(given ?? {}, source);
}

/** Checks a parsed policy field by field and fills in the defaults; the first problem is thrown, naming the field. */
export function checkClientPolicy(given: unknown, source: string): ClientPolicy {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new ClientPolicyError(`${source}: ${field} must be ${expected}, got ${JSON.stringify(value)}`);
  };
  const record = (value: unknown, field: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : fail(field, 'a mapping', value);
  const only = (value: Record<string, unknown>, field: string, allowed: readonly string[]) => {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) throw new ClientPolicyError(`${source}: ${field ? `${field}.` : ''}${key} is not a policy field (known: ${allowed.join(', ')})`);
    }
  };
  const positiveInt = (value: unknown, field: string): number =>
    Number.isInteger(value) && (value as number) > 0 ? (value as number) : fail(field, 'a positive integer', value);
  const nonNegativeInt = (value: unknown, field: string): number =>
    Number.isInteger(value) && (value as number) >= 0 ? (value as number) : fail(field, 'a non-negative integer', value);
  const boolean = (value: unknown, field: string): boolean => (typeof value === 'boolean' ? value : fail(field, 'true or false', value));
  const strings = (value: unknown, field: string): string[] =>
    Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '') ? (value as string[]) : fail(field, 'a list of names', value);

  const root = record(given, 'the policy');
  only(root, '', ['name', 'defaultPort', 'contract', 'limits', 'persistedQueries', 'introspectionInProduction', 'subgraphFetch', 'rateLimits', 'responseCache']);
  const policy: ClientPolicy = { ...DEFAULT_CLIENT_POLICY, limits: { ...DEFAULT_OPERATION_LIMITS }, subgraphFetch: { ...DEFAULT_SUBGRAPH_FETCH } };

  if (root.name !== undefined) {
    policy.name = typeof root.name === 'string' && /^[a-z][a-z0-9-]*$/.test(root.name) ? root.name : fail('name', 'a lower-case name', root.name);
  }
  if (root.defaultPort !== undefined) {
    const port = root.defaultPort;
    policy.defaultPort = Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 65535 ? (port as number) : fail('defaultPort', 'a TCP port', port);
  }
  if (root.contract !== undefined) {
    const contract = record(root.contract, 'contract');
    only(contract, 'contract', ['excludeTags']);
    policy.contract = { excludeTags: contract.excludeTags === undefined ? [] : strings(contract.excludeTags, 'contract.excludeTags') };
  }
  if (root.limits !== undefined) {
    const limits = record(root.limits, 'limits');
    const names = Object.keys(DEFAULT_OPERATION_LIMITS) as (keyof OperationLimits)[];
    only(limits, 'limits', names);
    for (const name of names) {
      if (limits[name] === undefined) continue;
      // 0 deferred fragments or subscriptions is a setting (no @defer, no subscriptions); every other limit must let something through.
      policy.limits[name] = ZERO_TURNS_OFF.has(name) ? nonNegativeInt(limits[name], `limits.${name}`) : positiveInt(limits[name], `limits.${name}`);
    }
  }
  if (root.persistedQueries !== undefined) {
    const pq = record(root.persistedQueries, 'persistedQueries');
    if (pq.mode === 'automatic') {
      only(pq, 'persistedQueries', ['mode']);
      policy.persistedQueries = { mode: 'automatic' };
    } else if (pq.mode === 'safelist') {
      only(pq, 'persistedQueries', ['mode', 'manifestsDir', 'supportedAppVersions', 'minimumVersion', 'supportedUntil', 'freeText']);
      const manifestsDir = typeof pq.manifestsDir === 'string' && pq.manifestsDir !== '' ? pq.manifestsDir : fail('persistedQueries.manifestsDir', 'a directory', pq.manifestsDir);
      const freeText = record(pq.freeText ?? {}, 'persistedQueries.freeText');
      only(freeText, 'persistedQueries.freeText', ['development', 'production']);
      const supportedAppVersions = strings(pq.supportedAppVersions, 'persistedQueries.supportedAppVersions');
      const version = (value: unknown, field: string): string => (typeof value === 'string' && APP_VERSION.test(value) ? value : fail(field, 'an app version like 1.2.0', value));
      supportedAppVersions.forEach((v, i) => version(v, `persistedQueries.supportedAppVersions[${i}]`));
      const until = pq.supportedUntil === undefined ? undefined : record(pq.supportedUntil, 'persistedQueries.supportedUntil');
      for (const [release, date] of Object.entries(until ?? {})) {
        const field = `persistedQueries.supportedUntil.${release}`;
        if (!supportedAppVersions.includes(release)) fail(field, 'a date for a release in supportedAppVersions', release);
        if (typeof date !== 'string' || Number.isNaN(Date.parse(date))) fail(field, 'an ISO 8601 date such as 2027-06-30', date);
      }
      policy.persistedQueries = {
        mode: 'safelist',
        manifestsDir,
        supportedAppVersions,
        ...(pq.minimumVersion !== undefined && { minimumVersion: version(pq.minimumVersion, 'persistedQueries.minimumVersion') }),
        ...(until && { supportedUntil: until as Record<string, string> }),
        freeText: {
          development: freeText.development === undefined ? true : boolean(freeText.development, 'persistedQueries.freeText.development'),
          production: freeText.production === undefined ? false : boolean(freeText.production, 'persistedQueries.freeText.production'),
        },
      };
    } else {
      fail('persistedQueries.mode', '"automatic" or "safelist"', pq.mode);
    }
  }
  if (root.rateLimits !== undefined) {
    const limits = record(root.rateLimits, 'rateLimits');
    only(limits, 'rateLimits', ['anonymousPerMinute', 'userPerMinute', 'appPerMinute', 'trustedProxies']);
    const proxies = limits.trustedProxies === undefined ? [] : strings(limits.trustedProxies, 'rateLimits.trustedProxies');
    proxies.forEach((entry, i) => (ADDRESS_OR_RANGE.test(entry) ? entry : fail(`rateLimits.trustedProxies[${i}]`, 'an IP address or CIDR range such as 10.0.0.0/8', entry)));
    policy.rateLimits = {
      anonymousPerMinute: positiveInt(limits.anonymousPerMinute, 'rateLimits.anonymousPerMinute'),
      userPerMinute: positiveInt(limits.userPerMinute, 'rateLimits.userPerMinute'),
      appPerMinute: positiveInt(limits.appPerMinute, 'rateLimits.appPerMinute'),
      trustedProxies: proxies,
    };
  }
  if (root.responseCache !== undefined) {
    const cache = record(root.responseCache, 'responseCache');
    only(cache, 'responseCache', ['maxTtlSeconds', 'maxEntries', 'privatePerUser', 'entities']);
    policy.responseCache = {
      maxTtlSeconds: positiveInt(cache.maxTtlSeconds, 'responseCache.maxTtlSeconds'),
      maxEntries: positiveInt(cache.maxEntries, 'responseCache.maxEntries'),
      privatePerUser: cache.privatePerUser === undefined ? false : boolean(cache.privatePerUser, 'responseCache.privatePerUser'),
    };
    if (cache.entities !== undefined) {
      const entities = record(cache.entities, 'responseCache.entities');
      only(entities, 'responseCache.entities', ['maxTtlSeconds', 'maxEntries', 'defaultTtlSeconds']);
      policy.responseCache.entities = {
        maxTtlSeconds: positiveInt(entities.maxTtlSeconds, 'responseCache.entities.maxTtlSeconds'),
        maxEntries: positiveInt(entities.maxEntries, 'responseCache.entities.maxEntries'),
        ...(entities.defaultTtlSeconds === undefined ? {} : { defaultTtlSeconds: positiveInt(entities.defaultTtlSeconds, 'responseCache.entities.defaultTtlSeconds') }),
      };
    }
  }
  if (root.introspectionInProduction !== undefined) policy.introspectionInProduction = boolean(root.introspectionInProduction, 'introspectionInProduction');
  if (root.subgraphFetch !== undefined) {
    const fetch = record(root.subgraphFetch, 'subgraphFetch');
    only(fetch, 'subgraphFetch', ['timeoutMs', 'timeoutMsBySubgraph', 'breakerFailureThreshold', 'breakerOpenMs', 'dedupeInFlight', 'maxInFlight', 'maxQueued', 'maxQueueWaitMs']);
    const target = policy.subgraphFetch;
    if (fetch.timeoutMs !== undefined) target.timeoutMs = positiveInt(fetch.timeoutMs, 'subgraphFetch.timeoutMs');
    if (fetch.breakerFailureThreshold !== undefined) target.breakerFailureThreshold = positiveInt(fetch.breakerFailureThreshold, 'subgraphFetch.breakerFailureThreshold');
    if (fetch.breakerOpenMs !== undefined) target.breakerOpenMs = positiveInt(fetch.breakerOpenMs, 'subgraphFetch.breakerOpenMs');
    if (fetch.dedupeInFlight !== undefined) target.dedupeInFlight = boolean(fetch.dedupeInFlight, 'subgraphFetch.dedupeInFlight');
    if (fetch.maxInFlight !== undefined) target.maxInFlight = positiveInt(fetch.maxInFlight, 'subgraphFetch.maxInFlight');
    if (fetch.maxQueued !== undefined) target.maxQueued = nonNegativeInt(fetch.maxQueued, 'subgraphFetch.maxQueued');
    if (fetch.maxQueueWaitMs !== undefined) target.maxQueueWaitMs = positiveInt(fetch.maxQueueWaitMs, 'subgraphFetch.maxQueueWaitMs');
    if (fetch.timeoutMsBySubgraph !== undefined) {
      const bySubgraph = record(fetch.timeoutMsBySubgraph, 'subgraphFetch.timeoutMsBySubgraph');
      target.timeoutMsBySubgraph = Object.fromEntries(
        Object.entries(bySubgraph).map(([name, ms]) => [name, positiveInt(ms, `subgraphFetch.timeoutMsBySubgraph.${name}`)]),
      );
    }
  }
  return policy;
}
