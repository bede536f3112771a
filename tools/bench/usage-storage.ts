import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSchema, parse, type GraphQLSchema } from 'graphql';
import { clientFiles, operationCoordinates, readManifest, type OperationUsage, type ReportedOperation, type UsageReport } from '@bff/formats';
import { migrate, openDatabase, readMigrations, REPO_ROOT, type Database } from '@bff/platform';
import { readOperations } from '@bff/schema';
import { createRegistryServer, Registry } from '@bff/schema/registry';

/** The registry's migrations: the same files its process (schema/registry/main.ts) applies. */
const REGISTRY_MIGRATIONS = resolve(REPO_ROOT, 'schema', 'registry', 'data', 'migrations');
const DAY_MS = 86_400_000;
/** The BFF's cap on distinct (operation, client name, client version) keys per report (UsageRecorder's maxKeys). */
export const BFF_KEYS_PER_REPORT_CAP = 5_000;
/** The BFF's report interval (USAGE_REPORT_INTERVAL_MS). */
const BFF_REPORT_INTERVAL_S = 10;
/** Longest client name and version the BFF keeps (USAGE_LABEL_MAX). */
const LABEL_MAX = 64;

export interface UsageStorageSettings {
  /** Requests simulated. @default 1,000,000 */
  requests?: number;
  /** Days they are spread over (the registry's retention window). @default 30 */
  days?: number;
  /** BFF replicas per client, each reporting its own share. @default 2 */
  replicas?: number;
  /** Reports each replica sends per day in this simulation (a real one sends up to 8,640). @default 12 */
  reportsPerReplicaPerDay?: number;
  log: (line: string) => void;
}

/** One key of the registry's daily table: a client's operation, under one client name and version. */
interface UsageKey {
  client: 'web' | 'mobile';
  operationId: string;
  operationName: string;
  clientName: string;
  clientVersion: string;
  /** Share of the traffic (relative). */
  weight: number;
}

interface ClientOperation {
  client: 'web' | 'mobile';
  operation: ReportedOperation;
}

export interface RelationSize {
  rows: number;
  /** pg_total_relation_size: table, indexes and TOAST. */
  totalBytes: number;
  heapBytes: number;
  indexBytes: number;
}

export interface UsageStorageResult {
  requests: number;
  days: number;
  replicas: number;
  reportsPerReplicaPerDay: number;
  reportsSent: number;
  sendSeconds: number;
  keySet: { description: string[]; keysPerDay: number; operations: number };
  /** Sum of usage_daily.requests after the run: must equal `requests`. */
  recordedRequests: number;
  /** As the reports left the tables (dead row versions of the updates included). */
  asStored: { daily: RelationSize; operations: RelationSize };
  /** After VACUUM FULL: live rows only, what (auto)vacuum keeps a table near. */
  compact: { daily: RelationSize; operations: RelationSize };
  /** Distinct keys with client name and version at the 64-character maximum, sent 5,000 to a report (the BFF's cap). */
  longKeySample: { rows: number; reports: number; daily: RelationSize };
}

/** Relative traffic per operation name: the feed and the product pages carry most of it, order actions little. */
const OPERATION_WEIGHT: Readonly<Record<string, number>> = {
  MobileFeed: 10,
  HomePage: 10,
  ProductPage: 8,
  ProductDetail: 8,
  SearchProducts: 4,
  Categories: 3,
  CategoryPage: 3,
  FeedCategories: 3,
  Me: 3,
  MoreReviews: 1,
  MyOrders: 1,
  OrderDetail: 1,
  PlaceOrder: 0.5,
  CancelOrder: 0.1,
};

/**
 * Each client's two client names: the app's own (`apollographql-client-name` of clients/<app>/src)
 * and the BFF's client name, which the recorder files callers that send none under (scripts,
 * server-side renders, a curl).
 */
const CLIENT_NAMES: Readonly<Record<'web' | 'mobile', readonly [string, string]>> = { web: ['web-storefront', 'web'], mobile: ['mobile-app', 'mobile'] };

function apiSchema(client: string): GraphQLSchema {
  return buildSchema(readFileSync(clientFiles(client).apiSchemaFile, 'utf8'));
}

/**
 * The realistic key set: every mobile release's operations under its own version (the
 * manifests of clients/mobile/releases), the web operations (clients/web/src) under two
 * versions (the current build and the one before it, still open in browsers), each under
 * both client names. Coordinates are what a BFF would send: `operationCoordinates` against
 * the client's API schema.
 */
function realisticKeySet(): { keys: UsageKey[]; operations: ClientOperation[]; description: string[] } {
  const keys: UsageKey[] = [];
  const operations = new Map<string, ClientOperation>();
  const add = (client: 'web' | 'mobile', schema: GraphQLSchema, op: { id: string; name: string; body: string }, version: string, versionWeight: number) => {
    if (!operations.has(`${client}:${op.id}`)) {
      operations.set(`${client}:${op.id}`, { client, operation: { id: op.id, name: op.name, coordinates: operationCoordinates(schema, parse(op.body)) } });
    }
    CLIENT_NAMES[client].forEach((clientName, i) => {
      // The app's own name carries nearly everything.
      const nameWeight = i === 0 ? 0.97 : 0.03;
      keys.push({ client, operationId: op.id, operationName: op.name, clientName, clientVersion: version, weight: (OPERATION_WEIGHT[op.name] ?? 1) * versionWeight * nameWeight });
    });
  };

  const mobileSchema = apiSchema('mobile');
  const releasesDir = clientFiles('mobile').releasesDir;
  const versions = readdirSync(releasesDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  // The newest release has most of the installs; each older one half as many as the next.
  versions.forEach((version, i) => {
    const manifest = readManifest(join(releasesDir, `${version}.json`));
    for (const op of manifest.operations) add('mobile', mobileSchema, op, version, 2 ** (i - versions.length + 1));
  });

  const webSchema = apiSchema('web');
  const webOperations = readOperations(clientFiles('web').operationsDir);
  const current = (JSON.parse(readFileSync(join(clientFiles('web').appDir, 'package.json'), 'utf8')) as { version: string }).version;
  const webVersions: [string, number][] = [
    [`${current}-previous`, 0.2],
    [current, 0.8],
  ];
  for (const [version, share] of webVersions) for (const op of webOperations) add('web', webSchema, op, version, share);

  const mobileKeys = keys.filter((k) => k.client === 'mobile').length;
  const webKeys = keys.length - mobileKeys;
  const mobileOps = versions.map((v) => readManifest(join(releasesDir, `${v}.json`)).operations.length);
  return {
    keys,
    operations: [...operations.values()],
    description: [
      `mobile: ${versions.length} releases (${versions.map((v, i) => `${v}: ${mobileOps[i]} operations`).join(', ')}) × 2 client names (${CLIENT_NAMES.mobile.join(', ')}) = ${mobileKeys} keys`,
      `web: ${webOperations.length} operations × 2 versions (${webVersions.map(([v]) => v).join(', ')}) × 2 client names (${CLIENT_NAMES.web.join(', ')}) = ${webKeys} keys`,
      `every key has traffic every day (the most rows this key set can make); errors 1%`,
    ],
  };
}

/**
 * Each day's requests per key: the day's share of the total by weight, at least 1, the
 * rounding put on the heaviest key so the month adds up to exactly `requests`.
 */
function dailyCounts(keys: readonly UsageKey[], requests: number, days: number): number[][] {
  const totalWeight = keys.reduce((sum, k) => sum + k.weight, 0);
  const heaviest = keys.reduce((best, k, i) => (k.weight > keys[best]!.weight ? i : best), 0);
  return Array.from({ length: days }, (_, day) => {
    const dayTotal = Math.floor(requests / days) + (day < requests % days ? 1 : 0);
    const counts = keys.map((k) => Math.max(1, Math.floor((k.weight / totalWeight) * dayTotal)));
    counts[heaviest]! += dayTotal - counts.reduce((sum, c) => sum + c, 0);
    if (counts[heaviest]! < 1) throw new Error(`${requests} requests over ${days} days are too few for ${keys.length} keys`);
    return counts;
  });
}

/**
 * The reports BFF replicas would send, fewer and larger: each replica reports its share of
 * a day in `reportsPerReplicaPerDay` reports instead of one per 10 s. The rows come out the
 * same, because the registry adds a report's counts into one row per (client, day, operation,
 * client name, version), filed under the day of the key's lastSeen: how many reports carried
 * a key's requests changes its sums' history, not its row. What it does change is how often
 * each row is updated, so the size right after the run holds more or fewer dead row versions;
 * the compact size (VACUUM FULL) does not depend on it. Each replica's first report carries
 * its client's operations and their coordinates, as a BFF sends them until accepted once.
 */
function* simulatedReports(
  keys: readonly UsageKey[],
  operations: readonly ClientOperation[],
  counts: readonly number[][],
  options: { days: number; replicas: number; reportsPerReplicaPerDay: number; now: number },
): Generator<UsageReport> {
  const { days, replicas, reportsPerReplicaPerDay, now } = options;
  const slots = replicas * reportsPerReplicaPerDay;
  const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const operationsSent = new Set<string>();
  // Oldest day first, as the traffic happened; day 0 is today (the last `days` UTC days, today included, are what the registry keeps).
  for (let ago = days - 1; ago >= 0; ago -= 1) {
    const dayStart = todayStart - ago * DAY_MS;
    const dayEnd = ago === 0 ? now : dayStart + DAY_MS;
    const counts_ = counts[ago]!;
    for (let report = 0; report < reportsPerReplicaPerDay; report += 1) {
      for (let replica = 0; replica < replicas; replica += 1) {
        const slot = report * replicas + replica;
        // Reports of one replica are spread over the day; the replicas a second apart.
        const lastSeen = new Date(Math.max(dayStart, dayStart + ((report + 1) / reportsPerReplicaPerDay) * (dayEnd - dayStart) - 1 - replica * 1_000)).toISOString();
        for (const client of ['web', 'mobile'] as const) {
          const usage: OperationUsage[] = [];
          keys.forEach((key, i) => {
            if (key.client !== client) return;
            const total = counts_[i]!;
            const requests = Math.floor(total / slots) + (slot < total % slots ? 1 : 0);
            if (requests === 0) return;
            usage.push({ operationId: key.operationId, clientName: key.clientName, clientVersion: key.clientVersion, requests, errors: Math.floor(requests / 100), lastSeen });
          });
          const first = !operationsSent.has(`${client}:${replica}`);
          operationsSent.add(`${client}:${replica}`);
          yield { client, operations: first ? operations.filter((op) => op.client === client).map((op) => op.operation) : [], usage, dropped: 0 };
        }
      }
    }
  }
}

/** `count` distinct keys with client name and version at the BFF's 64-character maximum, as a BFF at its key cap reports them. */
function longKeyReport(operationIds: readonly string[], from: number, count: number): UsageReport {
  const lastSeen = new Date().toISOString();
  const usage: OperationUsage[] = Array.from({ length: count }, (_, i) => ({
    operationId: operationIds[(from + i) % operationIds.length]!,
    clientName: `caller-chosen-name-${String(from + i).padStart(8, '0')}`.padEnd(LABEL_MAX, 'n'),
    clientVersion: `${from + i}.0.0-caller-chosen-version`.padEnd(LABEL_MAX, 'v'),
    requests: 1,
    errors: 0,
    lastSeen,
  }));
  return { client: 'mobile', operations: [], usage, dropped: 0 };
}

async function relationSize(db: Database, table: 'usage_daily' | 'usage_operations'): Promise<RelationSize> {
  const { rows } = await db.query<{ rows: string; total: string; heap: string; indexes: string }>(
    `SELECT (SELECT count(*) FROM ${table})::text AS rows,
            pg_total_relation_size('${table}'::regclass)::text AS total,
            pg_relation_size('${table}'::regclass)::text AS heap,
            pg_indexes_size('${table}'::regclass)::text AS indexes`,
  );
  const row = rows[0]!;
  return { rows: Number(row.rows), totalBytes: Number(row.total), heapBytes: Number(row.heap), indexBytes: Number(row.indexes) };
}

async function postReport(url: string, token: string, report: UsageReport): Promise<void> {
  const response = await fetch(`${url}/usage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(report),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`POST /usage answered ${response.status}: ${text.slice(0, 300)}`);
}

/**
 * Part 2: the registry's storage per million requests. The registry's own code (Registry and
 * its HTTP server, from @bff/schema/registry) in this process over a fresh PGlite directory
 * with its migrations applied, usage reports POSTed over HTTP to its /usage as BFFs send them,
 * then the tables' sizes read from PostgreSQL itself.
 *
 * The registry is built here rather than with `startTestRegistry`: this is source code, which
 * may not import a `testing` entry point (npm run check:imports); the two lines are the same,
 * without the bootstrap publish, which only fills tables that are not measured.
 */
export async function measureUsageStorage(settings: UsageStorageSettings): Promise<UsageStorageResult> {
  const requests = settings.requests ?? 1_000_000;
  const days = settings.days ?? 30;
  const replicas = settings.replicas ?? 2;
  const reportsPerReplicaPerDay = settings.reportsPerReplicaPerDay ?? 12;
  const { log } = settings;

  const dataDir = mkdtempSync(join(tmpdir(), 'bff-bench-usage-storage-'));
  let db: Database | undefined;
  let server: ReturnType<typeof createRegistryServer> | undefined;
  try {
    db = await openDatabase({ dataDir, schema: 'registry' });
    await migrate(db, readMigrations(REGISTRY_MIGRATIONS));
    const usageToken = randomBytes(24).toString('hex');
    server = createRegistryServer({ registry: new Registry(db, { usageRetentionDays: days }), db, token: randomBytes(24).toString('hex'), usageToken });
    const url = await server.listen(0, '127.0.0.1');

    const { keys, operations, description } = realisticKeySet();
    const counts = dailyCounts(keys, requests, days);
    log(`storage: ${requests.toLocaleString('en-US')} requests over ${days} days, ${keys.length} keys, ${replicas} replicas × ${reportsPerReplicaPerDay} reports a day per client, POSTed to an in-process registry at ${url}…`);
    const sendStarted = Date.now();
    let reportsSent = 0;
    for (const report of simulatedReports(keys, operations, counts, { days, replicas, reportsPerReplicaPerDay, now: Date.now() })) {
      await postReport(url, usageToken, report);
      reportsSent += 1;
    }
    const sendSeconds = (Date.now() - sendStarted) / 1000;
    const recordedRequests = Number((await db.query<{ sum: string }>('SELECT coalesce(sum(requests), 0)::text AS sum FROM usage_daily')).rows[0]!.sum);

    const asStored = { daily: await relationSize(db, 'usage_daily'), operations: await relationSize(db, 'usage_operations') };
    // One statement per call: VACUUM refuses to run inside the implicit transaction of a multi-statement script.
    await db.query('VACUUM FULL usage_daily');
    await db.query('VACUUM FULL usage_operations');
    const compact = { daily: await relationSize(db, 'usage_daily'), operations: await relationSize(db, 'usage_operations') };

    // Worst-case rows: distinct keys with the longest labels, on an emptied daily table.
    log('storage: distinct keys at the 64-character label maximum, 5,000 to a report (the BFF cap)…');
    await db.query('TRUNCATE usage_daily');
    const sampleReports = 4;
    const mobileIds = [...new Set(keys.filter((k) => k.client === 'mobile').map((k) => k.operationId))];
    for (let i = 0; i < sampleReports; i += 1) await postReport(url, usageToken, longKeyReport(mobileIds, i * BFF_KEYS_PER_REPORT_CAP, BFF_KEYS_PER_REPORT_CAP));
    await db.query('VACUUM FULL usage_daily');
    const longKeySample = { rows: sampleReports * BFF_KEYS_PER_REPORT_CAP, reports: sampleReports, daily: await relationSize(db, 'usage_daily') };

    return {
      requests,
      days,
      replicas,
      reportsPerReplicaPerDay,
      reportsSent,
      sendSeconds,
      keySet: { description, keysPerDay: keys.length, operations: operations.length },
      recordedRequests,
      asStored,
      compact,
      longKeySample,
    };
  } finally {
    await server?.close();
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Figures derived from a storage measurement: per row, per million requests, the worst case. */
export function storageFigures(result: UsageStorageResult) {
  const perRow = (size: RelationSize) => size.totalBytes / Math.max(1, size.rows);
  const dailyBytesPerRow = perRow(result.compact.daily);
  const longKeyBytesPerRow = perRow(result.longKeySample.daily);
  const perMillion = (bytes: number) => (bytes / result.requests) * 1_000_000;
  return {
    dailyBytesPerRow,
    operationBytesPerRow: perRow(result.compact.operations),
    longKeyBytesPerRow,
    /** Both tables, compact, per million requests under the realistic key set. */
    bytesPerMillionCompact: perMillion(result.compact.daily.totalBytes + result.compact.operations.totalBytes),
    bytesPerMillionAsStored: perMillion(result.asStored.daily.totalBytes + result.asStored.operations.totalBytes),
    /** Every request its own key: one row per request (the cap does not bind at this rate, see the report). */
    worstCaseRows: 1_000_000,
    worstCaseBytes: 1_000_000 * dailyBytesPerRow,
    worstCaseBytesLongLabels: 1_000_000 * longKeyBytesPerRow,
    /** Most rows one replica can add in a day at the cap: 5,000 per 10-s report. */
    capRowsPerReplicaPerDay: BFF_KEYS_PER_REPORT_CAP * (86_400 / BFF_REPORT_INTERVAL_S),
    /** Average request rate of a million requests over the window. */
    millionPerWindowRps: 1_000_000 / (result.days * 86_400),
  };
}
