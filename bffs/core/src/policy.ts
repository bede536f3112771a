/**
 * A client policy: everything that makes one BFF different from another, as plain data.
 * The web and mobile BFFs are this plus an experience subgraph; the kit does the rest.
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
  maxCost: 50_000,
  defaultListSize: 10,
  maxBatchSize: 10,
  maxBodyBytes: 1024 * 1024,
};

export const DEFAULT_SUBGRAPH_FETCH: SubgraphFetchPolicy = {
  timeoutMs: 10_000,
  breakerFailureThreshold: 5,
  breakerOpenMs: 5_000,
  dedupeInFlight: false,
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
