import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError, parse, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import type { Database } from '../db/database';
import type { Seed } from '../db/migrate';
import { DEFAULT_MAX_BODY_BYTES } from '../config/subgraph-config';
import { countingDatabase, type RequestDatabase, type StatementCounter } from '../db/statement-counter';
import { ErrorCode } from '../errors';
import { apolloLifecycle } from '../http/apollo-lifecycle';
import { createGraphQLHttpServer, type GraphQLHttpServer } from '../http/graphql-http-server';
import { DEVELOPMENT_GATEWAY_SECRET, gatewayCredentialCheck } from './gateway-credential';
import { userFromHeaders, type RequestUser } from './identity';
import { rejectNulCharactersPlugin } from './plugins/reject-nul-characters-plugin';
import { statementCountPlugin } from './plugins/statement-count-plugin';

export { SQL_STATEMENTS_HEADER } from './plugins/statement-count-plugin';

export interface SubgraphContext<Loaders> {
  user: RequestUser | null;
  /** Statement-counting database handle for this request only. */
  db: RequestDatabase;
  /** DataLoaders, created fresh for each request so no cache outlives it. */
  loaders: Loaders;
  sql: StatementCounter;
}

/** Everything that makes one subgraph what it is; the kit does the rest. */
export interface SubgraphDefinition<Loaders> {
  name: string;
  /** Port when `PORT` is not set (4101–4105 for the domain subgraphs). */
  defaultPort: number;
  /** Absolute path of the subgraph's `schema.graphql`, its only SDL. */
  schemaFile: string;
  /** Directory of its `NNN_description.sql` migrations. */
  migrationsDir: string;
  seed: Seed;
  resolvers: GraphQLResolverMap<SubgraphContext<Loaders>>;
  createLoaders(db: RequestDatabase): Loaders;
}

export interface SubgraphServerOptions {
  /** Largest request body accepted, in bytes. @default DEFAULT_MAX_BODY_BYTES (1 MiB) */
  maxBodyBytes?: number;
  /** The gateways' shared secret. @default DEVELOPMENT_GATEWAY_SECRET */
  gatewaySecret?: string;
}

export interface SubgraphServer {
  readonly name: string;
  readonly http: GraphQLHttpServer;
  /** Starts Apollo and listens; resolves with the base URL (GraphQL is at `${url}/graphql`). */
  listen(port: number, host: string): Promise<string>;
  /** Drains in-flight requests and stops Apollo; the database is the caller's to close. */
  stop(): Promise<void>;
}

export function loadTypeDefs(schemaFile: string): DocumentNode {
  return parse(readFileSync(schemaFile, 'utf8'));
}

/** Builds (does not start) the HTTP server of one subgraph over an open database. */
export function createSubgraphServer<Loaders>(
  definition: SubgraphDefinition<Loaders>,
  database: Database,
  options: SubgraphServerOptions = {},
): SubgraphServer {
  const schema = buildSubgraphSchema({
    typeDefs: loadTypeDefs(definition.schemaFile),
    resolvers: definition.resolvers as GraphQLResolverMap<unknown>,
  });
  const apollo = new ApolloServer<SubgraphContext<Loaders>>({
    schema,
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown order (drain HTTP, stop Apollo, close storage); Apollo's own
    // signal handler would race it and leave the process hanging.
    stopOnTerminationSignals: false,
    // No Apollo Studio here: federated tracing would only cost time on every request.
    plugins: [statementCountPlugin(), rejectNulCharactersPlugin(), ApolloServerPluginInlineTraceDisabled()],
    formatError: (formatted, error) => maskUnexpected(definition.name, formatted, error),
  });
  const http = createGraphQLHttpServer({
    apollo,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    admit: gatewayCredentialCheck(options.gatewaySecret ?? DEVELOPMENT_GATEWAY_SECRET),
    isReady: async () => {
      await database.ping();
      return true;
    },
    context: async (req) => {
      const sql: StatementCounter = { count: 0 };
      const db = countingDatabase(database, sql);
      return { user: userFromHeaders(req.headers), db, loaders: definition.createLoaders(db), sql };
    },
  });

  const lifecycle = apolloLifecycle(apollo, http);
  return { name: definition.name, http, listen: lifecycle.listen, stop: lifecycle.stop };
}

/**
 * Errors we raise on purpose (a GraphQLError with a code) pass through unchanged, as do
 * graphql-js's own parse and validation errors (they have no original error). Anything else
 * is a bug or an outage: log it in full, tell the client only that it happened, so no SQL,
 * stack or internal detail leaks.
 */
function maskUnexpected(subgraph: string, formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError;
  if (original === undefined) return formatted;
  if (original instanceof GraphQLError && formatted.extensions?.code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
  console.error(`[${subgraph}] unexpected error at ${formatted.path?.join('.') ?? '(no path)'}:`, original);
  return {
    message: 'Internal server error.',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
