import { buildSchema, graphql, type GraphQLSchema } from 'graphql';
import { supergraphForGateway } from '@bff/formats';
import type { Database } from '@bff/platform';
import * as store from './data/registry-store';
import type { Registry } from './registry';

/**
 * The part of Apollo's Uplink protocol that serves a graph's supergraph: the `routerConfig`
 * query a stock `@apollo/gateway` (`uplinkEndpoints`) and Apollo Router
 * (`APOLLO_UPLINK_ENDPOINTS`) poll. A graph ref is a client's name and a variant: each
 * client's supergraph is a graph of its own.
 * - `web@current` (or `web`): the supergraph as composed, for routers that enforce
 *   `@authenticated` and `@requiresScopes` (Apollo Router).
 * - `web@stock-gateway`: the same with those two links no longer marked `for: SECURITY`,
 *   which a stock `@apollo/gateway` otherwise refuses to run. It does not enforce them: the
 *   subgraphs' own identity and ownership checks are what guard that gateway's callers.
 */
const VARIANTS = ['current', 'stock-gateway'] as const;
const UPLINK_SCHEMA = buildSchema(`
  type Query {
    routerConfig(ref: String!, apiKey: String!, ifAfterId: ID): RouterConfigResponse!
    persistedQueries(ref: String!, apiKey: String!, ifAfterId: ID): PersistedQueriesResponse!
  }
  union PersistedQueriesResponse = PersistedQueriesResult | Unchanged | FetchError
  type PersistedQueriesResult {
    id: ID!
    minDelaySeconds: Float!
    "Null: the graph has no persisted-query list."
    chunks: [PersistedQueriesChunk!]
  }
  type PersistedQueriesChunk {
    id: ID!
    "Where the chunk (an Apollo persisted-query manifest) can be downloaded."
    urls: [String!]!
  }
  union RouterConfigResponse = RouterConfigResult | Unchanged | FetchError
  type RouterConfigResult {
    "Changes whenever the supergraph does: the client passes it back as ifAfterId."
    id: ID!
    supergraphSDL: String!
    "How long the client should wait before it asks again."
    minDelaySeconds: Float!
    messages: [Message!]!
  }
  type Message {
    level: MessageLevel!
    body: String!
  }
  enum MessageLevel {
    ERROR
    WARN
    INFO
  }
  type Unchanged {
    id: ID!
    minDelaySeconds: Float!
  }
  type FetchError {
    code: FetchErrorCode!
    message: String!
    minDelaySeconds: Float!
  }
  enum FetchErrorCode {
    AUTHENTICATION_FAILED
    ACCESS_DENIED
    UNKNOWN_REF
    RETRY_LATER
    NOT_IMPLEMENTED_ON_THIS_INSTANCE
  }
`);

export interface UplinkOptions {
  db: Database;
  /** The registry whose clients are the graphs served, one each. */
  registry: Registry;
  /**
   * What a router is told to wait between polls. Apollo's own Uplink says 10 s at least;
   * a registry for tests may say less.
   * @default 10
   */
  minDelaySeconds?: number;
  /** When set, the API key a router must send; otherwise reads are open, like the rest of the registry's. */
  apiKey?: string;
}

export interface UplinkAnswer {
  status: number;
  json: unknown;
}

type Unchanged = { __typename: 'Unchanged'; id: string; minDelaySeconds: number };
type FetchError = { __typename: 'FetchError'; code: string; message: string; minDelaySeconds: number };
type RouterConfigResponse = { __typename: 'RouterConfigResult'; id: string; supergraphSDL: string; minDelaySeconds: number; messages: [] } | Unchanged | FetchError;
type PersistedQueriesResponse =
  | { __typename: 'PersistedQueriesResult'; id: string; minDelaySeconds: number; chunks: { id: string; urls: string[] }[] | null }
  | Unchanged
  | FetchError;

/** Where a client's persisted-query list (a chunk) is downloaded from, under the registry's own URL. */
export const persistedQueryListPath = (client: string, id: string) => `/clients/${client}/persisted-query-list/${id}`;

/**
 * Answers one Uplink request body (`{ query, variables }`), as Uplink does: 200 with data,
 * 400 with errors. `origin` is the registry's URL as the caller reached it: chunk URLs point there.
 */
export function createUplink(options: UplinkOptions): (body: unknown, origin: string) => Promise<UplinkAnswer> {
  const minDelaySeconds = options.minDelaySeconds ?? 10;
  const schema: GraphQLSchema = UPLINK_SCHEMA;
  const fetchError = (code: string, message: string): FetchError => ({ __typename: 'FetchError', code, message, minDelaySeconds });

  /** The client and variant a ref names, or why not. */
  const graphOf = (ref: string, apiKey: string): { client: string; variant: string } | FetchError => {
    if (options.apiKey !== undefined && apiKey !== options.apiKey) return fetchError('AUTHENTICATION_FAILED', 'The API key is not valid for this registry.');
    const [client, variant = 'current'] = ref.split('@');
    const clients = options.registry.clientNames();
    if (!client || !clients.includes(client) || !(VARIANTS as readonly string[]).includes(variant)) {
      const refs = clients.flatMap((c) => VARIANTS.map((v) => `${c}@${v}`));
      return fetchError('UNKNOWN_REF', `No graph "${ref}": this registry serves ${refs.join(', ')}.`);
    }
    return { client, variant };
  };

  const routerConfig = async ({ ref, apiKey, ifAfterId }: { ref: string; apiKey: string; ifAfterId?: string | null }): Promise<RouterConfigResponse> => {
    const graph = graphOf(ref, apiKey);
    if ('__typename' in graph) return graph;
    const { client, variant } = graph;
    const current = await store.currentClientSupergraph(options.db, client);
    if (!current) return fetchError('RETRY_LATER', `The ${client} supergraph has not been composed yet.`);
    // The variant is part of the id: a router that switches variants never takes one's id for the other's.
    const id = `${current.etag}:${variant}`;
    if (ifAfterId === id) return { __typename: 'Unchanged', id, minDelaySeconds };
    const supergraphSDL = variant === 'stock-gateway' ? supergraphForGateway(current.supergraph_sdl) : current.supergraph_sdl;
    return { __typename: 'RouterConfigResult', id, supergraphSDL, minDelaySeconds, messages: [] };
  };

  /** A safelisted client's list as one chunk; the same for every variant of its graph. */
  const persistedQueries = async ({ ref, apiKey, ifAfterId }: { ref: string; apiKey: string; ifAfterId?: string | null }, origin: string): Promise<PersistedQueriesResponse> => {
    const graph = graphOf(ref, apiKey);
    if ('__typename' in graph) return graph;
    const list = await options.registry.persistedQueryList(graph.client);
    if (!list) return { __typename: 'PersistedQueriesResult', id: `${graph.client}:none`, minDelaySeconds, chunks: null };
    if (ifAfterId === list.id) return { __typename: 'Unchanged', id: list.id, minDelaySeconds };
    return { __typename: 'PersistedQueriesResult', id: list.id, minDelaySeconds, chunks: [{ id: list.id, urls: [`${origin}${persistedQueryListPath(graph.client, list.id)}`] }] };
  };

  return async (body, origin) => {
    const request = (typeof body === 'object' && body !== null ? body : {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof request.query !== 'string') return { status: 400, json: { errors: [{ message: 'Send a GraphQL request: {"query": "...", "variables": {...}}.' }] } };
    const result = await graphql({
      schema,
      source: request.query,
      variableValues: (request.variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: typeof request.operationName === 'string' ? request.operationName : undefined,
      rootValue: { routerConfig, persistedQueries: (args: Parameters<typeof persistedQueries>[0]) => persistedQueries(args, origin) },
    });
    return { status: result.errors && !result.data ? 400 : 200, json: result };
  };
}
