import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError, parse, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { inProcessDataChanges, type Database, type DataChanges, type Seed } from '@bff/platform';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONCURRENT_REQUESTS } from '../config/subgraph-config';
import { fairShareAdmission } from './fair-share-admission';
import { countingDatabase, type RequestDatabase, type StatementCounter, ErrorCode, apolloLifecycle, apolloRequestHandler, createGraphQLHttpServer, type GraphQLHttpServer, DEVELOPMENT_GATEWAY_SECRET, gatewayCredentialCheck, userFromHeaders, type RequestUser, logUnexpectedErrorsPlugin, operationTelemetryPlugin, ServiceTelemetry, type RequestTelemetry } from '@bff/platform';
import { rejectNulCharactersPlugin } from './plugins/reject-nul-characters-plugin';
import { statementCountPlugin } from './plugins/statement-count-plugin';
import { resolverSpansPlugin } from './plugins/resolver-spans-plugin';
import { attachSubscriptionServer } from './subscription-server';
import { CHANGES_PATH, changeStream } from './change-stream';

export { SQL_STATEMENTS_HEADER } from './plugins/statement-count-plugin';

export interface SubgraphContext<Loaders, Services = NoServices> {
  user: RequestUser | null;
  /** Statement-counting database handle for this request only. */
  db: RequestDatabase;
  /** DataLoaders, created fresh for each request so no cache outlives it. */
  loaders: Loaders;
  sql: StatementCounter;
  /** Clients of the other services this subgraph calls, shared by every request of one server. */
  services: Services;
  /** The request's id, span and log line (calls to other services pass the id and trace on). */
  telemetry: RequestTelemetry;
  /** Tells the BFFs that entities changed (once the change has committed), so their caches follow the data. */
  announce(typename: string, ids: readonly string[]): Promise<void>;
}

/** What a subgraph that calls no other service has in `context.services`. */
export type NoServices = Record<string, never>;

/** Another subgraph this one calls over HTTP, and the variable that carries its GraphQL URL. */
export interface SubgraphDependency {
  /** Its name, which is also its workspace package (`@subgraphs/<name>`). */
  subgraph: string;
  /** e.g. `INVENTORY_URL`: the launcher and the test helpers set it to where that subgraph listens. */
  urlVariable: string;
}

/** Everything that makes one subgraph what it is; the kit does the rest. */
export interface SubgraphDefinition<Loaders, Services = NoServices> {
  name: string;
  /** Port when `PORT` is not set (4101–4105 for the domain subgraphs). */
  defaultPort: number;
  /** Absolute path of the subgraph's `schema.graphql`, its only SDL. */
  schemaFile: string;
  /** Directory of its `NNN_description.sql` migrations. */
  migrationsDir: string;
  seed: Seed;
  resolvers: GraphQLResolverMap<SubgraphContext<Loaders, Services>>;
  createLoaders(db: RequestDatabase): Loaders;
  /**
   * Subgraphs this one calls (domain rules that span two owners, like orders taking stock
   * from inventory). Subgraphs still never import each other: they meet over HTTP.
   */
  dependencies?: readonly SubgraphDependency[];
  /**
   * Builds the clients of those dependencies from the environment. Called once, at start-up
   * and before storage is opened, so a bad value stops the process with a `ConfigError`
   * naming the variable, like the kit's own configuration. Calls carry `gatewaySecret`.
   */
  createServices?(env: Record<string, string | undefined>, shared: { gatewaySecret: string }): Services;
  /** Releases what the services hold (connections) once the server has stopped. */
  closeServices?(services: Services): Promise<void>;
}

export interface SubgraphServerOptions<Services = NoServices> {
  /** Largest request body accepted, in bytes. @default DEFAULT_MAX_BODY_BYTES (1 MiB) */
  maxBodyBytes?: number;
  /** The gateways' shared secret. @default DEVELOPMENT_GATEWAY_SECRET */
  gatewaySecret?: string;
  /** Clients of the dependencies. @default definition.createServices({}): each dependency at its default URL */
  services?: Services;
  /** Logs, metrics and traces. @default quiet: metrics at /metrics, no log lines, no traces */
  telemetry?: ServiceTelemetry;
  /** Requests in flight at once, divided evenly among the calling clients. @default DEFAULT_MAX_CONCURRENT_REQUESTS (256) */
  maxConcurrentRequests?: number;
  /** Where data changes are announced to the BFFs. @default within this process */
  dataChanges?: DataChanges;
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
export function createSubgraphServer<Loaders, Services = NoServices>(
  definition: SubgraphDefinition<Loaders, Services>,
  database: Database,
  options: SubgraphServerOptions<Services> = {},
): SubgraphServer {
  const gatewaySecret = options.gatewaySecret ?? DEVELOPMENT_GATEWAY_SECRET;
  const services = options.services ?? definition.createServices?.({}, { gatewaySecret }) ?? ({} as Services);
  const schema = buildSubgraphSchema({
    typeDefs: loadTypeDefs(definition.schemaFile),
    resolvers: definition.resolvers as GraphQLResolverMap<unknown>,
  });
  const apollo = new ApolloServer<SubgraphContext<Loaders, Services>>({
    schema,
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown order (drain HTTP, stop Apollo, close storage); Apollo's own
    // signal handler would race it and leave the process hanging.
    stopOnTerminationSignals: false,
    // No Apollo Studio here: federated tracing would only cost time on every request.
    plugins: [
      statementCountPlugin(),
      rejectNulCharactersPlugin(),
      operationTelemetryPlugin(),
      logUnexpectedErrorsPlugin((error) => isUnexpected(error.originalError, error.extensions?.code ?? (error.originalError as GraphQLError | undefined)?.extensions?.code)),
      resolverSpansPlugin(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
    formatError: (formatted, error) => maskUnexpected(formatted, error),
  });
  const telemetry = options.telemetry ?? ServiceTelemetry.quiet(definition.name);
  const sqlPerRequest = telemetry.metrics.histogram(
    'subgraph_sql_statements_per_request',
    'SQL statements one GraphQL request caused (batching keeps this flat as lists grow).',
    ['client_name', 'operation'],
    [0, 1, 2, 3, 4, 5, 8, 13, 21, 34, 55, 100],
  );
  telemetry.onRequestFinished((request) => {
    if (request.counts.sql === undefined) return;
    sqlPerRequest.observe({ client_name: telemetry.labels.clientName.of(request.clientName), operation: telemetry.labels.operation.of(request.operations[0]?.name) }, request.counts.sql);
  });
  const dataChanges = options.dataChanges ?? inProcessDataChanges();
  const announce = (typename: string, ids: readonly string[]) => (ids.length ? dataChanges.publish({ subgraph: definition.name, typename, ids: [...ids] }) : Promise.resolve());
  const contextOf = (req: IncomingMessage, requestTelemetry: RequestTelemetry): SubgraphContext<Loaders, Services> => {
    const sql: StatementCounter = { count: 0 };
    const { span, tracing } = requestTelemetry;
    const db = countingDatabase(database, sql, span && tracing ? { tracing, span, dbName: definition.name } : undefined);
    return { user: userFromHeaders(req.headers), db, loaders: definition.createLoaders(db), sql, services, telemetry: requestTelemetry, announce };
  };
  const admitGateway = gatewayCredentialCheck(gatewaySecret);
  const changes = changeStream(dataChanges, admitGateway);
  const http = createGraphQLHttpServer({
    routes: { [CHANGES_PATH]: changes.route },
    handle: apolloRequestHandler(apollo, async (req, requestTelemetry) => contextOf(req, requestTelemetry)),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    admit: admitGateway,
    admission: fairShareAdmission(options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS),
    telemetry,
    isReady: async () => {
      await database.ping();
      return true;
    },
  });

  // A subgraph with a Subscription type serves it over WebSocket beside its HTTP.
  const subscriptions = schema.getSubscriptionType()
    ? attachSubscriptionServer(http, schema, admitGateway, (req, closed) => {
        // One request's telemetry per subscription, ended (its span and log line) when the subscription's socket closes.
        const requestTelemetry = telemetry.begin(req);
        void closed.then(() => requestTelemetry.end(200));
        return contextOf(req, requestTelemetry);
      })
    : undefined;
  const lifecycle = apolloLifecycle(apollo, http);
  let stopped: Promise<void> | undefined;
  return {
    name: definition.name,
    http,
    listen: lifecycle.listen,
    // Subscriptions first: an open stream would otherwise hold the HTTP drain for its whole grace period.
    // Once: a second call waits for the first.
    stop: () =>
      (stopped ??= (async () => {
        await subscriptions?.close();
        changes.close();
        await lifecycle.stop();
        await definition.closeServices?.(services);
        await dataChanges.close();
      })()),
  };
}

/**
 * Errors we raise on purpose (a GraphQLError with a code) pass through unchanged, as do
 * graphql-js's own parse and validation errors (they have no original error). Anything else
 * is a bug or an outage: it is logged in full, the client hears only that it happened, so no SQL,
 * stack or internal detail leaks.
 */
function maskUnexpected(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (!isUnexpected((error as { originalError?: unknown } | undefined)?.originalError, formatted.extensions?.code)) return formatted;
  // logUnexpectedErrorsPlugin has logged it, with the request id.
  return {
    message: 'Internal server error.',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * An error raised in a resolver that is not deliberate: anything but a GraphQLError with its
 * own code (other than INTERNAL_SERVER_ERROR). Errors with no original (parse, validation)
 * are graphql-js's and Apollo's own, and pass.
 */
function isUnexpected(original: unknown, code: unknown): boolean {
  if (original === undefined || original === null) return false;
  return !(original instanceof GraphQLError && typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR);
}
