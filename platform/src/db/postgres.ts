import pg from 'pg';
import { quoteIdentifier, type Database, type QueryResult, type Transaction } from './database';
import { PostgresNotifications } from './postgres-notifications';

/** Limits that turn a stalled database into an error instead of a hung request. */
export const POSTGRES_DEFAULTS = {
  /** Pool size per process. */
  maxConnections: 10,
  connectionTimeoutMs: 5_000,
  statementTimeoutMs: 15_000,
  /** A transaction left open (a bug, a stuck client) is ended by the server after this. */
  idleInTransactionTimeoutMs: 30_000,
} as const;

/**
 * PostgreSQL through a connection pool. Each subgraph lives in its own schema, selected
 * per connection with `search_path`, so five subgraphs can share one database server
 * (or one database) without seeing each other's tables.
 */
export async function openPostgres(databaseUrl: string, schema: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: POSTGRES_DEFAULTS.maxConnections,
    connectionTimeoutMillis: POSTGRES_DEFAULTS.connectionTimeoutMs,
    options: [
      `-c search_path=${quoteIdentifier(schema)}`,
      `-c statement_timeout=${POSTGRES_DEFAULTS.statementTimeoutMs}`,
      `-c idle_in_transaction_session_timeout=${POSTGRES_DEFAULTS.idleInTransactionTimeoutMs}`,
    ].join(' '),
  });
  // An idle client that loses its connection must not take the process down with it.
  pool.on('error', (error) => {
    console.error(`[db] idle PostgreSQL client error: ${error.message}`);
  });

  const notifications = new PostgresNotifications(databaseUrl);

  const run = async <Row>(client: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]) => {
    const result = await client.query(text, params as unknown[] | undefined);
    return { rows: result.rows as Row[] } satisfies QueryResult<Row>;
  };

  return {
    kind: 'postgres',
    schema,
    query: (text, params) => run(pool, text, params),
    exec: async (sql) => {
      await pool.query(sql);
    },
    transaction: async (work) => {
      const client = await pool.connect();
      // A checked-out client has no pool listener: if the server ends this backend mid-
      // transaction (restart, failover), an unhandled 'error' event would kill the process.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
        console.error(`[db] PostgreSQL connection lost during a transaction: ${error.message}`);
      };
      client.on('error', onError);
      const tx: Transaction = {
        query: (text, params) => run(client, text, params),
        exec: async (sql) => {
          await client.query(sql);
        },
      };
      try {
        // Explicit, so a server configured for stricter isolation does not turn the
        // idempotency race (ON CONFLICT DO NOTHING, then read the winner) into errors.
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken ??= rollbackError));
        throw error;
      } finally {
        client.off('error', onError);
        // A broken connection is destroyed, not handed to the next request.
        client.release(broken);
      }
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    listen: (channel, onPayload) => notifications.listen(channel, onPayload),
    close: async () => {
      await notifications.close();
      await pool.end();
    },
  };
}
