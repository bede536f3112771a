import type { UsageReport } from '@bff/formats';
import type { Queryable } from '@bff/platform';

/** One operation's traffic from one client app version over a window, with the coordinates it touches. */
export interface OperationTrafficRow {
  operation_id: string;
  operation_name: string | null;
  client_name: string;
  client_version: string;
  requests: string;
  errors: string;
  last_seen: Date;
  coordinates: string[] | null;
}

/**
 * Stores one report: its operations' coordinates (first report wins, later ones refresh the
 * name and last-seen) and its counts added to the day each was last seen. Two statements,
 * whatever the report's size: the rows travel as one JSON parameter.
 */
export async function insertUsage(db: Queryable, report: UsageReport): Promise<void> {
  if (report.operations.length) {
    await db.query(
      `INSERT INTO usage_operations (client, operation_id, operation_name, coordinates)
       SELECT $1, op.id, op.name, op.coordinates FROM jsonb_to_recordset($2::jsonb) AS op(id text, name text, coordinates jsonb)
       ON CONFLICT (client, operation_id) DO UPDATE SET operation_name = EXCLUDED.operation_name, coordinates = EXCLUDED.coordinates, last_seen = now()`,
      [report.client, JSON.stringify(report.operations)],
    );
  }
  if (report.usage.length) {
    await db.query(
      `INSERT INTO usage_daily (client, day, operation_id, client_name, client_version, requests, errors, last_seen)
       SELECT $1, (u."lastSeen" AT TIME ZONE 'UTC')::date, u."operationId", u."clientName", u."clientVersion", u.requests, u.errors, u."lastSeen"
         FROM jsonb_to_recordset($2::jsonb) AS u("operationId" text, "clientName" text, "clientVersion" text, requests bigint, errors bigint, "lastSeen" timestamptz)
       ON CONFLICT (client, day, operation_id, client_name, client_version) DO UPDATE SET
         requests = usage_daily.requests + EXCLUDED.requests,
         errors = usage_daily.errors + EXCLUDED.errors,
         last_seen = GREATEST(usage_daily.last_seen, EXCLUDED.last_seen)`,
      [report.client, JSON.stringify(report.usage)],
    );
    await db.query(
      `UPDATE usage_operations o SET last_seen = now() WHERE o.client = $1 AND o.operation_id IN (SELECT value FROM jsonb_array_elements_text($2::jsonb))`,
      [report.client, JSON.stringify([...new Set(report.usage.map((u) => u.operationId))])],
    );
  }
}

/** A client's traffic per operation and app version over the last `days` days (today included). */
export async function clientTraffic(db: Queryable, client: string, days: number, clientVersion?: string): Promise<OperationTrafficRow[]> {
  const { rows } = await db.query<OperationTrafficRow>(
    `SELECT d.operation_id, o.operation_name, d.client_name, d.client_version,
            sum(d.requests)::text AS requests, sum(d.errors)::text AS errors, max(d.last_seen) AS last_seen, o.coordinates
       FROM usage_daily d LEFT JOIN usage_operations o ON o.client = d.client AND o.operation_id = d.operation_id
      WHERE d.client = $1 AND d.day > (now() AT TIME ZONE 'UTC')::date - $2::int
        AND ($3::text IS NULL OR d.client_version = $3)
      GROUP BY d.operation_id, o.operation_name, d.client_name, d.client_version, o.coordinates
      ORDER BY sum(d.requests) DESC, d.operation_id, d.client_name, d.client_version`,
    [client, days, clientVersion ?? null],
  );
  return rows;
}

/** Deletes what is older than the retention window; returns the rows removed. */
export async function deleteExpiredUsage(db: Queryable, retentionDays: number): Promise<number> {
  const { rows } = await db.query<{ removed: string }>(
    `WITH daily AS (DELETE FROM usage_daily WHERE day <= (now() AT TIME ZONE 'UTC')::date - $1::int RETURNING 1),
          operations AS (DELETE FROM usage_operations WHERE last_seen < now() - make_interval(days => $1::int) RETURNING 1)
     SELECT ((SELECT count(*) FROM daily) + (SELECT count(*) FROM operations))::text AS removed`,
    [retentionDays],
  );
  return Number(rows[0]!.removed);
}
