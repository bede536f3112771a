import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { countPerRequest, subgraphCounters, type CountingResult } from './counting-pass';
import { locateHiveGateway, writeHiveConfig, type HiveGateway } from './hive';
import { runLoad } from './load';
import { benchOperations, projectOperation, requestBytes, wireRequest, type BenchOperation, type OperationCall, type ProjectedOperation, type TargetKind } from './operations';
import { stackRss, withRatios, type BenchReport, type CellResult, type ListSizeResult, type RssEntry } from './report';
import { rssOf } from './rss';
import { startSubgraphs, SUBGRAPH_SERVICES } from './stack';
import { clientApiSchema, composeDomainSupergraph } from './supergraph';
import { benchTargets, type Routing, type RunningTarget, type TargetName, type TargetSpec } from './targets';
import { firstDifference, replyData, replyProblems, send, type Reply } from './verify';

export interface BenchSettings {
  quick: boolean;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Requests per cell in the counting pass. */
  countingRequests: number;
  /** Cache directory: Hive Gateway install, seeded data snapshot. */
  home: string;
  /** Only these targets (default: all). */
  targets?: readonly string[];
  /** Only these operation ids (default: all). */
  operations?: readonly string[];
  hive: boolean;
  reseed: boolean;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

/** Clean-up steps, run once in reverse order (also from a signal handler). */
export class Cleanup {
  private steps: (() => Promise<void> | void)[] = [];
  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // Keep cleaning up.
      }
    }
  }
}

/** Targets in table order for an operation: the client's own BFF, then the baseline, then the others. */
const TABLE_ORDER: readonly TargetName[] = ['web-bff', 'mobile-bff', 'apollo-gateway', 'hive-gateway'];

const serves = (target: TargetSpec, operation: BenchOperation) => target.clients.includes(operation.client);

/**
 * One bench run: the subgraphs, a counting pass (fetches and SQL per request, replies kept
 * as references), then the throughput pass, one target at a time.
 */
export async function runBench(settings: BenchSettings, cleanup: Cleanup): Promise<{ report: BenchReport; failed: boolean }> {
  const { log } = settings;
  const startedAt = new Date();
  const loadAverageAtStart = loadavg();
  const skipped: string[] = [];
  const runDir = mkdtempSync(join(tmpdir(), 'bff-bench-run-'));
  cleanup.add(() => rmSync(runDir, { recursive: true, force: true }));

  const operationSet = benchOperations();
  const operations = operationSet.operations.filter((op) => !settings.operations || settings.operations.includes(op.id));
  const listSizeVariants = operationSet.listSizeVariants.filter((v) => operations.some((op) => op.id === v.operationId));

  const hiveFound: Promise<HiveGateway> = settings.hive ? locateHiveGateway(settings.home, log) : Promise.resolve({ ok: false, reason: 'left out (--no-hive)' });
  let phase = Date.now();
  // The targets start as soon as the subgraphs' ports are known, while the subgraphs open
  // their databases: a gateway needs them only once it is asked something (a BFF's readiness
  // waits for them).
  const startTargets = async (urls: Record<string, string>, gatewaySecret: string) => {
    const hive = await hiveFound;
    if (!hive.ok) skipped.push(`hive-gateway: ${hive.reason}`);
    const domain = composeDomainSupergraph(urls);
    const routing: Routing = { subgraphUrls: urls, supergraphFile: join(runDir, 'domain-supergraph.graphql'), gatewaySecret };
    writeFileSync(routing.supergraphFile, domain.gatewaySdl);
    const hiveConfig = join(runDir, 'hive-gateway.config.mjs');
    writeHiveConfig(hiveConfig);
    const targets = benchTargets(hive, hiveConfig, runDir).filter((t) => !settings.targets || settings.targets.includes(t.name));
    log(`starting ${targets.map((t) => t.name).join(', ')}…`);
    const started = new Map<TargetName, RunningTarget>();
    const outcomes = await Promise.allSettled(targets.map((t) => t.start(routing)));
    outcomes.forEach((outcome, i) => {
      const target = targets[i]!;
      if (outcome.status === 'fulfilled') {
        started.set(target.name, outcome.value);
        cleanup.add(() => outcome.value.stop());
      } else {
        const message = (outcome.reason as Error).message;
        log(`${target.name} failed to start: ${message}`);
        skipped.push(`${target.name}: failed to start: ${message.split('\n')[0]}`);
      }
    });
    return { domain, targets, loaded: started };
  };
  let targetsStarting: ReturnType<typeof startTargets> | undefined;
  log('starting the five subgraphs (PGlite, fresh temporary data directory)…');
  const subgraphs = await startSubgraphs({
    home: settings.home,
    reseed: settings.reseed,
    log,
    onSpawned: (urls, gatewaySecret) => {
      targetsStarting = startTargets(urls, gatewaySecret);
      targetsStarting.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    },
  });
  cleanup.add(() => subgraphs.stop());
  log(`subgraphs ready in ${seconds(phase)} (${subgraphs.fromSnapshot ? 'data copied from the seeded snapshot' : 'seeded in this run'})`);
  if (!targetsStarting) throw new Error('the subgraphs started without reporting their ports');
  const { domain, targets, loaded } = await targetsStarting;
  log(`targets ready ${seconds(phase)} after the subgraphs started`);
  const counters = subgraphCounters(Object.values(subgraphs.urls));

  // Each client operation projected onto the domain schema, for the anchors.
  const clientSchemas = new Map<string, GraphQLSchema>();
  const projectionCache = new Map<string, ProjectedOperation>();
  const projectionsOf = (op: BenchOperation) =>
    new Map<OperationCall, ProjectedOperation>(
      op.calls.map((call) => {
        const key = `${op.client}\0${call.document}`;
        let projected = projectionCache.get(key);
        if (!projected) {
          if (!clientSchemas.has(op.client)) clientSchemas.set(op.client, clientApiSchema(op.client));
          projected = projectOperation(call.document, clientSchemas.get(op.client)!, domain.apiSchema);
          projectionCache.set(key, projected);
        }
        return [call, projected];
      }),
    );
  const requestFor = (op: BenchOperation, kind: TargetKind) => wireRequest(op, kind, projectionsOf(op));
  const removedKeys = (op: BenchOperation) => [...new Set([...projectionsOf(op).values()].flatMap((p) => p.removedKeys))];

  // Counting pass.
  phase = Date.now();
  const counted = new Map<string, CountingResult>();
  const references = new Map<string, Reply>();
  for (const op of operations) {
    for (const target of targets.filter((t) => serves(t, op))) {
      const instance = loaded.get(target.name);
      if (!instance) continue;
      const result = await countPerRequest(new URL(instance.url).origin, requestFor(op, target.kind), op, counters, settings.countingRequests);
      counted.set(`${target.name}\0${op.id}`, result);
      if (target.kind !== 'anchor' && result.problems.length === 0) references.set(op.id, result.reply);
    }
  }
  const listSizes: ListSizeResult[] = [];
  for (const variant of listSizeVariants) {
    for (const target of targets) {
      const instance = loaded.get(target.name);
      const sample = variant.build(variant.sizes[0]);
      if (!instance || !serves(target, sample)) continue;
      const row: ListSizeResult = { operationId: variant.operationId, operation: sample.label, target: target.name, sizes: [] };
      for (const first of variant.sizes) {
        const op = variant.build(first);
        const result = await countPerRequest(new URL(instance.url).origin, requestFor(op, target.kind), op, counters, settings.countingRequests);
        if (result.problems.length > 0) skipped.push(`${target.name} ${op.label} first:${first} (counting): ${result.problems.join('; ')}`);
        row.sizes.push({ first, fetchesPerRequest: result.fetchesPerRequest, sqlPerRequest: result.sqlPerRequest });
      }
      listSizes.push(row);
    }
  }
  log(`counting pass done in ${seconds(phase)}`);

  // Throughput pass, one target at a time (the others idle), baseline first.
  const cells: CellResult[] = [];
  const rss: RssEntry[] = [];
  const uncompared = new Set<string>();
  const cellsToRun = targets.reduce((n, t) => n + operations.filter((op) => serves(t, op) && loaded.has(t.name)).length, 0);
  log(`throughput pass: ${cellsToRun} cells × ${settings.warmupSeconds + settings.durationSeconds}s…`);
  const lastLoaded = [...targets].reverse().find((t) => loaded.has(t.name));
  const stopping: Promise<void>[] = [];
  for (const target of targets) {
    const instance = loaded.get(target.name);
    for (const op of operations.filter((o) => serves(target, o))) {
      const request = requestFor(op, target.kind);
      const bytes = requestBytes(request);
      const count = counted.get(`${target.name}\0${op.id}`);
      const cell: CellResult = {
        operationId: op.id,
        operation: op.label,
        target: target.name,
        requestBytes: bytes.total,
        requestLineBytes: bytes.requestLine,
        responseBytes: 0,
        ...(count ? { fetchesPerRequest: count.fetchesPerRequest, sqlPerRequest: count.sqlPerRequest } : {}),
      };
      cells.push(cell);
      if (!instance) {
        cell.problem = 'did not start';
        continue;
      }
      const origin = new URL(instance.url).origin;
      const reply = await send(origin, request);
      cell.responseBytes = reply.bytes;
      const problems = [...replyProblems(reply, op.transport === 'persisted-batch' ? op.calls.length : 1), ...(count?.problems.map((p) => `counting pass: ${p}`) ?? [])];
      const reference = references.get(op.id);
      if (problems.length === 0 && reference) {
        const difference = firstDifference(replyData(reference.body), replyData(reply.body), target.kind === 'anchor' ? removedKeys(op) : []);
        if (difference) problems.push(`reply differs from the ${op.client} BFF's at ${difference}`);
      } else if (problems.length === 0 && target.kind === 'anchor') {
        uncompared.add(`${op.label} (no ${op.client}-bff reply in this run)`);
      }
      if (problems.length > 0) {
        cell.problem = `WRONG REPLY: ${problems.join('; ')}`;
        log(`${target.name} ${op.label}: ${cell.problem}`);
        continue;
      }
      cell.load = await runLoad({ origin, request, connections: settings.connections, warmupSeconds: settings.warmupSeconds, durationSeconds: settings.durationSeconds });
      log(`${target.name.padEnd(14)} ${op.label.padEnd(20)} ${cell.load.rps.toFixed(1)} req/s, p50 ${cell.load.p50.toFixed(1)} ms`);
    }
    if (!instance) continue;
    const usage = rssOf(instance.pid);
    if (usage) rss.push({ name: target.name, kind: target.kind === 'anchor' ? 'anchor' : 'bff', rssKiB: usage.main, treeRssKiB: usage.tree });
    if (target === lastLoaded) {
      for (const service of SUBGRAPH_SERVICES) {
        const sub = rssOf(subgraphs.pids[service.name]!);
        if (sub) rss.push({ name: service.name, kind: 'subgraph', rssKiB: sub.main, treeRssKiB: sub.tree });
      }
    }
    // Stopped in the background: its drain and exit cost the next target's warm-up a moment, not the run a second.
    stopping.push(instance.stop());
  }
  await Promise.all(stopping);

  const order = (cell: CellResult) => operations.findIndex((op) => op.id === cell.operationId) * 10 + TABLE_ORDER.indexOf(cell.target as TargetName);
  const results = withRatios(cells).sort((a, b) => order(a) - order(b));
  const report: BenchReport = {
    version: 1,
    startedAt: startedAt.toISOString(),
    settings: {
      quick: settings.quick,
      connections: settings.connections,
      warmupSeconds: settings.warmupSeconds,
      durationSeconds: settings.durationSeconds,
      countingRequests: settings.countingRequests,
    },
    environment: { node: process.version, cpus: cpus().length, loadAverageAtStart, host: hostname() },
    targets: targets.map((t) => ({ name: t.name, describe: t.describe })),
    results,
    listSizes,
    rss,
    stackRssKiB: stackRss(rss, SUBGRAPH_SERVICES.length),
    notes: [
      ...notesFor(operations, targets, projectionsOf, requestFor, subgraphs.fromSnapshot, operationSet.mobileAppVersion),
      ...mobileFeedShareNote(results),
      ...(uncompared.size > 0 ? [`Anchor replies checked for errors and data only, not compared field by field: ${[...uncompared].join(', ')}.`] : []),
    ],
    skipped,
  };
  return { report, failed: results.some((r) => r.problem !== undefined) };
}

/** The mobile feed's reply against the web home page's: the same products, the client's own shape. */
function mobileFeedShareNote(results: readonly CellResult[]): string[] {
  const feed = results.find((r) => r.operationId === 'mobile-feed' && r.target === 'mobile-bff' && r.responseBytes > 0);
  const home = results.find((r) => r.operationId === 'web-home' && r.target === 'web-bff' && r.responseBytes > 0);
  if (!feed || !home) return [];
  const share = (100 * feed.responseBytes) / home.responseBytes;
  return [`mobile MobileFeed reply ${feed.responseBytes} B = ${share.toFixed(1)}% of web HomePage's ${home.responseBytes} B for the same products (target: at most 40%).`];
}

function notesFor(
  operations: readonly BenchOperation[],
  targets: readonly TargetSpec[],
  projectionsOf: (op: BenchOperation) => Map<OperationCall, ProjectedOperation>,
  requestFor: (op: BenchOperation, kind: TargetKind) => ReturnType<typeof wireRequest>,
  fromSnapshot: boolean,
  mobileAppVersion: string,
): string[] {
  const notes: string[] = [];
  const removed = operations
    .map((op) => {
      const fields = [...new Set([...projectionsOf(op).values()].flatMap((p) => p.removedFields))];
      return fields.length ? `${op.label}: without ${fields.join(', ')}` : undefined;
    })
    .filter(Boolean);
  const anchors = targets.filter((t) => t.kind === 'anchor').map((t) => t.name);
  if (anchors.length > 0) {
    notes.push(
      `${anchors.join(' and ')} serve${anchors.length === 1 ? 's' : ''} the DOMAIN supergraph (rover.yaml, no experience subgraph), so ${anchors.length === 1 ? 'it runs' : 'they run'} the operations without the experience-only fields (${removed.length ? removed.join('; ') : 'none of this run\'s operations has one'}); each reply was compared with the BFF's on every other field before its load.`,
    );
  }
  notes.push('vs apollo = req/s divided by stock @apollo/gateway\'s for the same operation in this run. resp B = reply body bytes; req B = request line + body, headers excluded.');
  notes.push('fetches/req = HTTP requests to the domain subgraphs (a BFF\'s in-process experience subgraph is no fetch); SQL/req = sum of their x-sql-statements.');
  const feed = operations.find((op) => op.transport === 'persisted-get');
  if (feed) {
    const get = requestFor(feed, 'mobile-bff');
    notes.push(
      `${feed.label}: the mobile BFF gets a persisted GET (documentId=sha256:<hash> and variables, app ${mobileAppVersion} manifest; request line ${requestBytes(get).requestLine} bytes, no body); the anchors get the equivalent POST with the query text (${requestBytes(requestFor(feed, 'anchor')).total} bytes).`,
    );
  }
  const batch = operations.find((op) => op.transport === 'persisted-batch');
  if (batch) {
    notes.push(
      `${batch.label}: ${batch.calls.map((c) => `${c.operationName}(${JSON.stringify(c.variables)})`).join(' + ')} in one POST (JSON array): hashes only to the mobile BFF, query texts to the anchors, which have HTTP batching switched on for it (Apollo Server allowBatchedHttpRequests, Hive batching limit 5). fetches/req and SQL/req count per HTTP request.`,
    );
  }
  notes.push('Web operations go to every target as a POST with the full query text (APQ hashes not used).');
  notes.push('Both anchors run with their defaults otherwise (Hive Gateway: in-flight deduplication of identical subgraph requests on, one process, no --jit).');
  notes.push(`Everything shares this machine's cores (subgraphs, the target, the load generator); no CPU pinning. Subgraph data: ${fromSnapshot ? 'copied from the seeded snapshot' : 'seeded in this run'} into a fresh temporary directory.`);
  return notes;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
