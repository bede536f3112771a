import type { Queryable } from '@bff/platform';

export interface SubgraphVersionRow {
  subgraph: string;
  version: number;
  routing_url: string;
  sdl: string;
  published_by: string;
  published_at: Date;
  forced: boolean;
  force_reason: string | null;
}

export interface ClientSupergraphRow {
  client: string;
  version: number;
  supergraph_sdl: string;
  api_schema_sdl: string;
  etag: string;
  created_at: Date;
}

export interface ManifestRow {
  client: string;
  app_version: string;
  manifest: string;
  published_by: string;
  published_at: Date;
  retired_by: string | null;
  retired_at: Date | null;
  retire_reason: string | null;
}

export interface CheckRunRow {
  id: number;
  subgraph: string;
  requested_by: string;
  created_at: Date;
  outcome: string;
  published: boolean;
  forced: boolean;
  force_reason: string | null;
  report: string;
}

/** The newest version of every subgraph. */
export async function latestSubgraphs(db: Queryable): Promise<SubgraphVersionRow[]> {
  const { rows } = await db.query<SubgraphVersionRow>(
    `SELECT DISTINCT ON (subgraph) subgraph, version, routing_url, sdl, published_by, published_at, forced, force_reason
       FROM subgraph_versions ORDER BY subgraph, version DESC`,
  );
  return rows;
}

export async function subgraphHistory(db: Queryable, subgraph: string): Promise<Omit<SubgraphVersionRow, 'sdl'>[]> {
  const { rows } = await db.query<SubgraphVersionRow>(
    `SELECT subgraph, version, routing_url, published_by, published_at, forced, force_reason
       FROM subgraph_versions WHERE subgraph = $1 ORDER BY version DESC`,
    [subgraph],
  );
  return rows;
}

export async function insertSubgraphVersion(
  db: Queryable,
  row: { subgraph: string; routingUrl: string; sdl: string; publishedBy: string; forced: boolean; forceReason: string | null; checkRunId: number | null },
): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `INSERT INTO subgraph_versions (subgraph, version, routing_url, sdl, published_by, forced, force_reason, check_run_id)
     VALUES ($1, COALESCE((SELECT max(version) FROM subgraph_versions WHERE subgraph = $1), 0) + 1, $2, $3, $4, $5, $6, $7)
     RETURNING version`,
    [row.subgraph, row.routingUrl, row.sdl, row.publishedBy, row.forced, row.forceReason, row.checkRunId],
  );
  return rows[0]!.version;
}

export async function currentClientSupergraph(db: Queryable, client: string): Promise<ClientSupergraphRow | undefined> {
  const { rows } = await db.query<ClientSupergraphRow>(
    `SELECT client, version, supergraph_sdl, api_schema_sdl, etag, created_at FROM client_supergraphs
      WHERE client = $1 ORDER BY version DESC LIMIT 1`,
    [client],
  );
  return rows[0];
}

/** Stores a new client supergraph version unless it is the current one already; returns the current version. */
export async function storeClientSupergraph(
  db: Queryable,
  row: { client: string; supergraphSdl: string; apiSchemaSdl: string; etag: string },
): Promise<{ version: number; changed: boolean }> {
  const current = await currentClientSupergraph(db, row.client);
  if (current?.etag === row.etag) return { version: current.version, changed: false };
  const version = (current?.version ?? 0) + 1;
  await db.query(
    'INSERT INTO client_supergraphs (client, version, supergraph_sdl, api_schema_sdl, etag) VALUES ($1, $2, $3, $4, $5)',
    [row.client, version, row.supergraphSdl, row.apiSchemaSdl, row.etag],
  );
  return { version, changed: true };
}

export async function clientManifests(db: Queryable, client: string): Promise<ManifestRow[]> {
  const { rows } = await db.query<ManifestRow>(
    `SELECT client, app_version, manifest, published_by, published_at, retired_by, retired_at, retire_reason
       FROM manifests WHERE client = $1 ORDER BY app_version`,
    [client],
  );
  return rows;
}

export async function upsertManifest(db: Queryable, client: string, appVersion: string, manifest: string, by: string): Promise<void> {
  await db.query(
    `INSERT INTO manifests (client, app_version, manifest, published_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (client, app_version) DO UPDATE SET manifest = EXCLUDED.manifest, published_by = EXCLUDED.published_by,
       published_at = now(), retired_by = NULL, retired_at = NULL`,
    [client, appVersion, manifest, by],
  );
}

export async function retireManifest(db: Queryable, client: string, appVersion: string, by: string, reason: string | null = null): Promise<boolean> {
  const { rows } = await db.query<{ app_version: string }>(
    `UPDATE manifests SET retired_by = $3, retired_at = now(), retire_reason = $4 WHERE client = $1 AND app_version = $2 AND retired_at IS NULL
     RETURNING app_version`,
    [client, appVersion, by, reason],
  );
  return rows.length > 0;
}

export async function insertCheckRun(
  db: Queryable,
  row: { subgraph: string; requestedBy: string; outcome: string; published: boolean; forced: boolean; forceReason: string | null; report: string },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO check_runs (subgraph, requested_by, outcome, published, forced, force_reason, report)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [row.subgraph, row.requestedBy, row.outcome, row.published, row.forced, row.forceReason, row.report],
  );
  return rows[0]!.id;
}

export async function checkRuns(db: Queryable, subgraph: string | undefined, limit: number): Promise<CheckRunRow[]> {
  const { rows } = await db.query<CheckRunRow>(
    `SELECT id, subgraph, requested_by, created_at, outcome, published, forced, force_reason, report
       FROM check_runs WHERE ($1::text IS NULL OR subgraph = $1) ORDER BY id DESC LIMIT $2`,
    [subgraph ?? null, limit],
  );
  return rows;
}
