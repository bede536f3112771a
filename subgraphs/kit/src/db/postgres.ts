import pg from 'pg';
import { quoteIdentifier, type Database, type QueryResult, type Transaction } from './database';

/**
 * PostgreSQL through a connection pool. Each subgraph lives in its own schema, selected
 * per connection with `search_path`, so five subgraphs can share one database server
 * (or one database) without seeing each other's tables.
 */
export async function openPostgres(databaseUrl: string, schema: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    options: `-c search_path=${quoteIdentifier(schema)}`,
  });
  // An idle client that loses its connection must not take the process down with it.
  pool.on('error', (error) => {
    console.error(`[db] idle PostgreSQL client error: ${error.message}`);
  });

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
      const tx: Transaction = {
        query: (text, params) => run(client, text, params),
        exec: async (sql) => {
          await client.query(sql);
        },
      };
      try {
        await client.query('BEGIN');
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
