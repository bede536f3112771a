import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { openDatabase, quoteIdentifier, type Database, migrate, readMigrations, DEVELOPMENT_GATEWAY_SECRET, GATEWAY_CREDENTIAL_HEADER } from '@bff/platform';
import { createSubgraphServer, SQL_STATEMENTS_HEADER, type SubgraphDefinition, type SubgraphServer } from '../graphql/subgraph-server';
import type { DataChanges, ServiceTelemetry } from '@bff/platform';
import { disposeTestDatabase, openTestDatabase, type StorageBackend } from '@bff/platform/testing';

export interface GraphQLResponseBody {
  data?: Record<string, any> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface TestResponse {
  status: number;
  body: GraphQLResponseBody;
  /** SQL statements the request caused, from the `x-sql-statements` header. */
  statements: number;
}

export interface TestSubgraph {
  url: string;
  db: Database;
  /** The subgraphs it calls that were started for it (see `TestSubgraphOptions.env`), by name. */
  dependencies: Record<string, TestSubgraph>;
  /** TCP connections accepted so far (to observe keep-alive reuse). */
  connections(): number;
  /** Headers of every HTTP request received so far, oldest first. */
  receivedHeaders(): IncomingHttpHeaders[];
  request(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<TestResponse>;
  stop(): Promise<void>;
}

export interface TestSubgraphOptions {
  /**
   * Environment its services are configured from (`createServices`), e.g. `INVENTORY_URL`.
   * Each subgraph it calls needs its URL variable here, or its definition in `dependencies`.
   */
  env?: Record<string, string>;
  /**
   * Subgraphs it calls, to start with it (same backend, their own throw-away databases) and
   * stop with it: a test that starts orders this way gets a real inventory to reserve stock
   * in. The kit cannot import the subgraphs it serves, so the test hands them over.
   */
  dependencies?: Readonly<Record<string, SubgraphDefinition<any, any>>>;
  /** Telemetry of the subgraph (and of each dependency started for it), by service name. @default quiet */
  telemetry?: (service: string) => ServiceTelemetry;
  /** Where it (and each dependency started for it) announces data changes. @default within this process */
  dataChanges?: () => DataChanges;
}

/**
 * Starts one subgraph the way production does (migrations, seed, real HTTP on 127.0.0.1,
 * port 0) over a throw-away database, for tests that talk to it over HTTP.
 */
export async function startTestSubgraph<Loaders, Services>(
  definition: SubgraphDefinition<Loaders, Services>,
  backend: StorageBackend,
  options: TestSubgraphOptions = {},
): Promise<TestSubgraph> {
  const env = { ...options.env };
  const dependencies: Record<string, TestSubgraph> = {};
  const stopDependencies = () => Promise.all(Object.values(dependencies).map((d) => d.stop()));
  let db: Database | undefined;
  let server: SubgraphServer;
  let url: string;
  try {
    for (const dependency of definition.dependencies ?? []) {
      const given = options.dependencies?.[dependency.subgraph];
      if (given) {
        const started = await startTestSubgraph(given, backend, { telemetry: options.telemetry, dataChanges: options.dataChanges });
        dependencies[dependency.subgraph] = started;
        env[dependency.urlVariable] = `${started.url}/graphql`;
      } else if (!env[dependency.urlVariable]) {
        throw new Error(`${definition.name} calls ${dependency.subgraph}: give ${dependency.urlVariable} in options.env, or its definition in options.dependencies`);
      }
    }
    db = await openTestDatabase(definition.name, backend);
    await migrate(db, readMigrations(definition.migrationsDir), definition.seed);
    const services = definition.createServices?.(env, { gatewaySecret: DEVELOPMENT_GATEWAY_SECRET });
    server = createSubgraphServer(definition, db, { services, telemetry: options.telemetry?.(definition.name), dataChanges: options.dataChanges?.() });
    url = await server.listen(0, '127.0.0.1');
  } catch (error) {
    if (db) await disposeTestDatabase(db).catch(() => undefined);
    await stopDependencies();
    throw error;
  }
  const openDb = db;
  let connections = 0;
  const received: IncomingHttpHeaders[] = [];
  server.http.server.on('connection', () => (connections += 1));
  server.http.server.on('request', (req: IncomingMessage) => received.push(req.headers));
  let stopped: Promise<void> | undefined;
  return {
    url,
    db: openDb,
    dependencies,
    connections: () => connections,
    receivedHeaders: () => received,
    request: async (query, variables, headers) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [GATEWAY_CREDENTIAL_HEADER]: DEVELOPMENT_GATEWAY_SECRET, ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return {
        status: response.status,
        body: (await response.json()) as GraphQLResponseBody,
        statements: Number(response.headers.get(SQL_STATEMENTS_HEADER) ?? NaN),
      };
    },
    // Once, however often it is asked: a test may stop a subgraph to see what the BFF does, and its stack stops it again.
    stop: () =>
      (stopped ??= (async () => {
        await server.stop();
        await disposeTestDatabase(openDb);
        await stopDependencies();
      })()),
  };
}

/** Headers the BFFs send for a signed-in user. */
export function asUser(id: string, scopes: string[] = []): Record<string, string> {
  return { 'x-user-id': id, 'x-user-scopes': scopes.join(' ') };
}

/** `_entities` representations for `ids` of `typename`. */
export function representations(typename: string, ids: readonly string[]): { __typename: string; id: string }[] {
  return ids.map((id) => ({ __typename: typename, id }));
}
