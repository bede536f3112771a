import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { openDatabase, quoteIdentifier, type Database } from '../db/database';
import { migrate, readMigrations } from '../db/migrate';
import { DEVELOPMENT_GATEWAY_SECRET, GATEWAY_CREDENTIAL_HEADER } from '../graphql/gateway-credential';
import { createSubgraphServer, SQL_STATEMENTS_HEADER, type SubgraphDefinition } from '../graphql/subgraph-server';
import { testDatabaseUrl, type StorageBackend } from './storage-backends';

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
  /** TCP connections accepted so far (to observe keep-alive reuse). */
  connections(): number;
  /** Headers of every HTTP request received so far, oldest first. */
  receivedHeaders(): IncomingHttpHeaders[];
  request(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<TestResponse>;
  stop(): Promise<void>;
}

/** A fresh throw-away database on the given backend: PGlite in memory, or a new PostgreSQL schema. */
export async function openTestDatabase(name: string, backend: StorageBackend): Promise<Database> {
  if (backend === 'pglite') return openDatabase({ dataDir: 'memory://', schema: name });
  const schema = `test_${name}_${randomBytes(4).toString('hex')}`;
  return openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: '', schema });
}

/** Drops what `openTestDatabase` created and closes it. */
export async function disposeTestDatabase(db: Database): Promise<void> {
  if (db.kind === 'postgres') await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdentifier(db.schema)} CASCADE`);
  await db.close();
}

/**
 * Starts one subgraph the way production does (migrations, seed, real HTTP on 127.0.0.1,
 * port 0) over a throw-away database, for tests that talk to it over HTTP.
 */
export async function startTestSubgraph<Loaders>(
  definition: SubgraphDefinition<Loaders>,
  backend: StorageBackend,
): Promise<TestSubgraph> {
  const db = await openTestDatabase(definition.name, backend);
  await migrate(db, readMigrations(definition.migrationsDir), definition.seed);
  const server = createSubgraphServer(definition, db);
  const url = await server.listen(0, '127.0.0.1');
  let connections = 0;
  const received: IncomingHttpHeaders[] = [];
  server.http.server.on('connection', () => (connections += 1));
  server.http.server.on('request', (req: IncomingMessage) => received.push(req.headers));
  return {
    url,
    db,
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
    stop: async () => {
      await server.stop();
      await disposeTestDatabase(db);
    },
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
