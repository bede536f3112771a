import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { countPerRequest, subgraphCounters, type CountingResult, type SubgraphCounters } from './counting-pass';
import { locateHiveGateway, writeHiveConfig, type HiveGateway } from './hive';
import { runLoad, type LoadResult } from './load';
import type { GraphQLSchema } from 'graphql';
import { benchOperations, directSubgraphRequest, projectOperation, requestBytes, wireRequest, type BenchOperation, type OperationCall, type OverheadOperation, type ProjectedOperation, type WireRequest } from './operations';
import { cachePairs, formatCount, HOP_FLOOR_TARGET, OVERHEAD_TARGET_MS, stackRss, withRatios, type BenchReport, type CellResult, type ListSizeResult, type OverheadCell, type OverheadResult, type RssEntry } from './report';
import { rssOf } from './rss';
import { median } from './rounds';
import { startSubgraphs, SUBGRAPH_SERVICES } from './stack';
import { clientApiSchema, clientSupergraphForAnchors, composeDomainSupergraph } from './supergraph';
import { benchTargets, experienceSubgraphs, startHopFloorProxy, type Client, type ExperienceSubgraphs, type Routing, type RunningTarget, type TargetName, type TargetSpec } from './targets';
import { firstDifference, replyData, replyProblems, send, type Reply } from './verify';

export interface BenchSettings {
  quick: boolean;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Requests per cell in the counting pass. */
  countingRequests: number;
  /** Connection counts of the BFF overhead pair (each: the direct call and the BFF, same settings otherwise). */
  overheadConnections: readonly number[];
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
const TABLE_ORDER: readonly TargetName[] = ['web-bff', 'web-bff-cached', 'mobile-bff', 'mobile-bff-cached', 'apollo-gateway', 'hive-gateway'];

const serves = (target: TargetSpec, operation: BenchOperation) => target.clients.includes(operation.client);
const instanceKey = (target: TargetName, client: Client) => `${target}\0${client}`;

/**
 * One bench run: the subgraphs, a counting pass (fetches and SQL per request, replies kept
 * as references), then the throughput pass, one target at a time, with the BFF overhead pair
 * while the web BFF is the loaded target.
 */
export async function runBench(settings: BenchSettings, cleanup: Cleanup): Promise<{ report: BenchReport; failed: boolean }> {
  const { log } = settings;
  const startedAt = new Date();
  const loadAverageAtStart = loadavg();
  const skipped: string[] = [];
  const runDir = mkdtempSync(join(tmpdir(), 'bff-bench-run-'));
  cleanup.add(() => rmSync(runDir, { recursive: true, force: true }));

  const operationSet = benchOperations();
  const selected = (id: string) => !settings.operations || settings.operations.includes(id);
  const operations = operationSet.operations.filter((op) => selected(op.id));
  const listSizeVariants = operationSet.listSizeVariants.filter((v) => operations.some((op) => op.id === v.operationId));
  const overheadBff: TargetName = `${operationSet.overhead.operation.client}-bff`;
  const overhead: OverheadOperation | undefined = selected(operationSet.overhead.id) && (!settings.targets || settings.targets.includes(overheadBff)) ? operationSet.overhead : undefined;
  if (selected(operationSet.overhead.id) && !overhead) skipped.push(`BFF overhead: needs ${overheadBff} (--targets)`);
  /** The processes each target needs: one per client with operations in this run (a BFF: its own client only). */
  const clientsOf = (target: TargetSpec): Client[] =>
    target.clients.filter((client) => operations.some((op) => op.client === client) || (target.name === overheadBff && overhead?.operation.client === client));

  const hiveFound: Promise<HiveGateway> = settings.hive ? locateHiveGateway(settings.home, log) : Promise.resolve({ ok: false, reason: 'left out (--no-hive)' });
  let phase = Date.now();
  // The targets start as soon as the subgraphs' ports are known, while the subgraphs open
  // their databases: a gateway needs them only once it is asked something (a BFF's readiness
  // waits for them).
  const startTargets = async (urls: Record<string, string>, gatewaySecret: string) => {
    const hive = await hiveFound;
    if (!hive.ok) skipped.push(`hive-gateway: ${hive.reason}`);
    const hiveConfig = join(runDir, 'hive-gateway.config.mjs');
    writeHiveConfig(hiveConfig);
    const targets = benchTargets(hive, hiveConfig, runDir).filter((t) => !settings.targets || settings.targets.includes(t.name));
    // The anchors serve each client's own supergraph, its experience subgraph over HTTP (an
    // anchor that cannot serve a client's supergraph gets the domain supergraph for it).
    const anchors = targets.filter((t) => t.kind === 'anchor');
    const anchorClients = [...new Set(anchors.flatMap((t) => clientsOf(t).filter((client) => !t.domainFor[client])))];
    const domain = anchors.some((t) => clientsOf(t).some((client) => t.domainFor[client])) ? composeDomainSupergraph(urls) : undefined;
    const experience = await experienceSubgraphs(anchorClients);
    const supergraphFiles: Partial<Record<Client, string>> = {};
    for (const client of anchorClients) {
      const file = join(runDir, `${client}-supergraph.graphql`);
      writeFileSync(file, clientSupergraphForAnchors(client, { ...urls, experience: experience.urls[client]! }));
      supergraphFiles[client] = file;
    }
    const routing: Routing = { subgraphUrls: urls, supergraphFiles, gatewaySecret };
    if (domain) {
      routing.domainSupergraphFile = join(runDir, 'domain-supergraph.graphql');
      writeFileSync(routing.domainSupergraphFile, domain.gatewaySdl);
    }
    const starts = targets.flatMap((target) => clientsOf(target).map((client) => ({ target, client })));
    log(`starting ${starts.map(({ target, client }) => (target.kind === 'anchor' ? `${target.name} (${target.domainFor[client] ? `${client}, domain supergraph` : client})` : target.name)).join(', ')}${anchorClients.length ? `, the ${anchorClients.join(' and ')} experience subgraphs` : ''}…`);
    const experienceStarting = anchorClients.length > 0 ? experience.start(gatewaySecret) : undefined;
    const instances = new Map<string, RunningTarget>();
    const outcomes = await Promise.allSettled(starts.map(({ target, client }) => target.start(routing, client)));
    outcomes.forEach((outcome, i) => {
      const { target, client } = starts[i]!;
      const name = target.kind === 'anchor' ? `${target.name} (${client})` : target.name;
      if (outcome.status === 'fulfilled') {
        instances.set(instanceKey(target.name, client), outcome.value);
        cleanup.add(() => outcome.value.stop());
      } else {
        const message = (outcome.reason as Error).message;
        log(`${name} failed to start: ${message}`);
        skipped.push(`${name}: failed to start: ${message.split('\n')[0]}`);
      }
    });
    let experienceServer: ExperienceSubgraphs | undefined;
    if (experienceStarting) {
      try {
        experienceServer = await experienceStarting;
        cleanup.add(() => experienceServer!.stop());
      } catch (error) {
        const message = (error as Error).message;
        log(`the experience subgraphs failed to start: ${message}`);
        skipped.push(`experience subgraphs (for the anchors): failed to start: ${message.split('\n')[0]}`);
      }
    }
    return { targets, instances, experienceServer, domain };
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
  const { targets, instances, experienceServer, domain } = await targetsStarting;
  log(`targets ready ${seconds(phase)} after the subgraphs started`);
  const counters = subgraphCounters(subgraphs.urls, Object.values(experienceServer?.urls ?? {}));
  const instanceOf = (target: TargetSpec, client: Client) => instances.get(instanceKey(target.name, client));
  // An operation projected onto the domain schema, for an anchor that serves the domain supergraph.
  const clientSchemas = new Map<Client, GraphQLSchema>();
  const projectionCache = new Map<string, ProjectedOperation>();
  const projectionsOf = (op: BenchOperation) => {
    if (!domain) throw new Error('no domain supergraph in this run');
    return new Map<OperationCall, ProjectedOperation>(
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
  };
  const onDomain = (target: TargetSpec, op: BenchOperation) => target.kind === 'anchor' && target.domainFor[op.client] !== undefined;
  const requestFor = (op: BenchOperation, target: TargetSpec) => wireRequest(op, target.kind, onDomain(target, op) ? projectionsOf(op) : undefined);
  /** Response keys the reference has and this target's reply cannot (the experience fields, on the domain supergraph). */
  const removedKeys = (op: BenchOperation, target: TargetSpec) => (onDomain(target, op) ? [...new Set([...projectionsOf(op).values()].flatMap((p) => p.removedKeys))] : []);
  const removedFields = (op: BenchOperation) => [...new Set([...projectionsOf(op).values()].flatMap((p) => p.removedFields))];

  // Counting pass.
  phase = Date.now();
  const counted = new Map<string, CountingResult>();
  const references = new Map<string, Reply>();
  for (const op of operations) {
    for (const target of targets.filter((t) => serves(t, op))) {
      const instance = instanceOf(target, op.client);
      if (!instance) continue;
      const result = await countPerRequest(new URL(instance.url).origin, requestFor(op, target), op, counters, settings.countingRequests);
      counted.set(`${target.name}\0${op.id}`, result);
      // The reference is the uncached BFF's reply (a cached one is checked against it).
      if (target.kind !== 'anchor' && !target.cached && result.problems.length === 0) references.set(op.id, result.reply);
    }
  }
  const listSizes: ListSizeResult[] = [];
  for (const variant of listSizeVariants) {
    for (const target of targets) {
      const sample = variant.build(variant.sizes[0]);
      const instance = instanceOf(target, sample.client);
      if (!instance || !serves(target, sample)) continue;
      const row: ListSizeResult = { operationId: variant.operationId, operation: sample.label, target: target.name, sizes: [] };
      for (const first of variant.sizes) {
        const op = variant.build(first);
        const result = await countPerRequest(new URL(instance.url).origin, requestFor(op, target), op, counters, settings.countingRequests);
        if (result.problems.length > 0) skipped.push(`${target.name} ${op.label} first:${first} (counting): ${result.problems.join('; ')}`);
        row.sizes.push({
          first,
          fetchesPerRequest: result.fetchesPerRequest,
          ...(result.experienceFetchesPerRequest ? { experienceFetchesPerRequest: result.experienceFetchesPerRequest } : {}),
          sqlPerRequest: result.sqlPerRequest,
        });
      }
      listSizes.push(row);
    }
  }
  // The overhead pair: the BFF must make exactly one fetch, to that subgraph; the direct call's reply must equal the BFF's.
  const overheadPair = overhead ? await countOverheadPair(overhead, targets, instanceOf, subgraphs.urls, subgraphs.gatewaySecret, counters, settings.countingRequests) : undefined;
  if (overheadPair) {
    const proxy = await startHopFloorProxy(overheadPair.direct.origin);
    cleanup.add(() => proxy.stop());
    overheadPair.hopOrigin = proxy.origin;
  }
  log(`counting pass done in ${seconds(phase)}`);

  // Throughput pass, one target at a time (the others idle), baseline first; an anchor's
  // processes one after the other (web, then mobile), each stopped once its operations are done.
  const cells: CellResult[] = [];
  const rss: RssEntry[] = [];
  const overheadResults: OverheadResult[] = [];
  const uncompared = new Set<string>();
  const cellsToRun = targets.reduce((n, t) => n + operations.filter((op) => serves(t, op) && instanceOf(t, op.client)).length, 0);
  const overheadCells = overheadPair?.bff.instance ? 2 * settings.overheadConnections.length : 0;
  log(`throughput pass: ${cellsToRun + overheadCells} cells × ${settings.warmupSeconds + settings.durationSeconds}s…`);
  const stopping: Promise<void>[] = [];
  const load = (origin: string, request: WireRequest, connections = settings.connections, warmupSeconds = settings.warmupSeconds, durationSeconds = settings.durationSeconds) =>
    runLoad({ origin, request, connections, warmupSeconds, durationSeconds });
  for (const target of targets) {
    for (const client of clientsOf(target)) {
      const instance = instanceOf(target, client);
      for (const op of operations.filter((o) => o.client === client)) {
        const request = requestFor(op, target);
        const bytes = requestBytes(request);
        const count = counted.get(`${target.name}\0${op.id}`);
        const cell: CellResult = {
          operationId: op.id,
          operation: op.label,
          target: target.name,
          requestBytes: bytes.total,
          requestLineBytes: bytes.requestLine,
          responseBytes: 0,
          ...(count
            ? { fetchesPerRequest: count.fetchesPerRequest, ...(count.experienceFetchesPerRequest ? { experienceFetchesPerRequest: count.experienceFetchesPerRequest } : {}), sqlPerRequest: count.sqlPerRequest }
            : {}),
          ...(onDomain(target, op) ? { caveat: `domain supergraph: without ${removedFields(op).join(', ') || 'nothing'} (see notes)` } : {}),
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
          const difference = firstDifference(replyData(reference.body), replyData(reply.body), removedKeys(op, target));
          if (difference) problems.push(`reply differs from the ${op.client} BFF's at ${difference}`);
        } else if (problems.length === 0 && target.kind === 'anchor') {
          uncompared.add(`${op.label} (no ${op.client}-bff reply in this run)`);
        }
        if (problems.length > 0) {
          cell.problem = `WRONG REPLY: ${problems.join('; ')}`;
          log(`${target.name} ${op.label}: ${cell.problem}`);
          continue;
        }
        cell.load = await load(origin, request);
        log(`${target.name.padEnd(14)} ${op.label.padEnd(20)} ${cell.load.rps.toFixed(1)} req/s, p50 ${cell.load.p50.toFixed(1)} ms`);
      }
      if (overheadPair && target.name === overheadPair.bff.target && client === overheadPair.operation.operation.client) {
        for (const connections of settings.overheadConnections) overheadResults.push(await measureOverheadPair(overheadPair, connections, load, settings, counters, log));
      }
      if (!instance) continue;
      const usage = rssOf(instance.pid);
      if (usage) rss.push({ name: target.kind === 'anchor' ? `${target.name} (${client})` : target.name, kind: target.kind === 'anchor' ? 'anchor' : target.cached ? 'cached-bff' : 'bff', rssKiB: usage.main, treeRssKiB: usage.tree });
      // Stopped in the background: its drain and exit cost the next process's warm-up a moment, not the run a second.
      stopping.push(instance.stop());
    }
  }
  // After the run's last load, before anything else stops.
  if (experienceServer) {
    const usage = rssOf(experienceServer.pid);
    if (usage) rss.push({ name: `experience subgraphs (${Object.keys(experienceServer.urls).join(', ')}; anchors only)`, kind: 'anchor', rssKiB: usage.main, treeRssKiB: usage.tree });
  }
  for (const service of SUBGRAPH_SERVICES) {
    const sub = rssOf(subgraphs.pids[service.name]!);
    if (sub) rss.push({ name: service.name, kind: 'subgraph', rssKiB: sub.main, treeRssKiB: sub.tree });
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
      overheadConnections: [...settings.overheadConnections],
    },
    environment: { node: process.version, cpus: cpus().length, loadAverageAtStart, host: hostname() },
    targets: targets.map((t) => ({ name: t.name, describe: t.describe })),
    results,
    listSizes,
    overhead: overheadResults,
    rss,
    stackRssKiB: stackRss(rss, SUBGRAPH_SERVICES.length),
    notes: [
      ...notesFor(operations, targets.filter((t) => clientsOf(t).length > 0), clientsOf, removedFields, subgraphs.fromSnapshot, operationSet.mobileAppVersion),
      ...overheadNotes(overheadResults),
      ...mobileFeedShareNote(results),
      ...cacheNotes(results),
      ...(uncompared.size > 0 ? [`Anchor replies checked for errors and data only, not compared field by field: ${[...uncompared].join(', ')}.`] : []),
    ],
    skipped,
  };
  return { report, failed: results.some((r) => r.problem !== undefined) || overheadResults.some((r) => r.bff.problem !== undefined || r.direct.problem !== undefined) };
}

/** The overhead pair after its counting pass: what to send each side, and what is already wrong. */
interface CountedOverheadPair {
  operation: OverheadOperation;
  bff: { target: TargetName; instance?: RunningTarget; request: WireRequest; count?: CountingResult; problems: string[] };
  direct: { target: string; origin: string; request: WireRequest; count: CountingResult; problems: string[] };
  /** The hop floor proxy in front of the subgraph (anchors/hop-floor-proxy.ts), sent the direct call's request. */
  hopOrigin?: string;
  /** The BFF's reply, the reference for the direct one. */
  reference?: Reply;
}

async function countOverheadPair(
  overhead: OverheadOperation,
  targets: readonly TargetSpec[],
  instanceOf: (target: TargetSpec, client: Client) => RunningTarget | undefined,
  subgraphUrls: Readonly<Record<string, string>>,
  gatewaySecret: string,
  counters: SubgraphCounters,
  countingRequests: number,
): Promise<CountedOverheadPair> {
  const op = overhead.operation;
  const bffName: TargetName = `${op.client}-bff`;
  const bffTarget = targets.find((t) => t.name === bffName);
  const instance = bffTarget && instanceOf(bffTarget, op.client);
  const bffRequest = wireRequest(op, bffName);
  const bff: CountedOverheadPair['bff'] = { target: bffName, instance, request: bffRequest, problems: [] };
  if (!instance) bff.problems.push('did not start');
  else {
    bff.count = await countPerRequest(new URL(instance.url).origin, bffRequest, op, counters, countingRequests);
    bff.problems.push(...bff.count.problems.map((p) => `counting pass: ${p}`));
    const fetches = Object.entries(bff.count.fetchesBySubgraph);
    if (fetches.length !== 1 || fetches[0]![0] !== overhead.subgraph || fetches[0]![1] !== 1) {
      bff.problems.push(`not one fetch to ${overhead.subgraph}: ${fetches.map(([name, n]) => `${name} ${n}`).join(', ') || 'no fetch'} per request`);
    }
  }
  const subgraphUrl = subgraphUrls[overhead.subgraph];
  if (!subgraphUrl) throw new Error(`no subgraph named ${overhead.subgraph} in this run`);
  const origin = new URL(subgraphUrl).origin;
  const directRequest = directSubgraphRequest(op, subgraphUrl, gatewaySecret);
  const count = await countPerRequest(origin, directRequest, op, counters, countingRequests);
  const direct: CountedOverheadPair['direct'] = { target: `${overhead.subgraph} (direct)`, origin, request: directRequest, count, problems: count.problems.map((p) => `counting pass: ${p}`) };
  const reference = bff.count && bff.count.problems.length === 0 ? bff.count.reply : undefined;
  if (reference && direct.problems.length === 0) {
    const difference = firstDifference(replyData(reference.body), replyData(count.reply.body));
    if (difference) direct.problems.push(`reply differs from the ${bffName}'s at ${difference}`);
  }
  return { operation: overhead, bff, direct, reference };
}

/**
 * How many slices the overhead pair's window is cut into. The direct call, the hop floor and
 * the BFF take turns slice by slice, so a change in this shared machine's load falls on all
 * three alike instead of on whichever ran during it; each side's p50 is the median of its slices'.
 */
const OVERHEAD_SLICES = 5;

/** One connection count of the overhead pair: the direct call, the hop floor and the BFF, each checked, warmed, then loaded in turns. */
async function measureOverheadPair(
  pair: CountedOverheadPair,
  connections: number,
  load: (origin: string, request: WireRequest, connections: number, warmupSeconds: number, durationSeconds: number) => Promise<LoadResult>,
  settings: { warmupSeconds: number; durationSeconds: number },
  counters: SubgraphCounters,
  log: (line: string) => void,
): Promise<OverheadResult> {
  const subgraphRequests = async () => (await counters.read()).requests[pair.operation.subgraph] ?? 0;
  const op = pair.operation.operation;
  interface Side {
    cell: OverheadCell;
    origin?: string;
    request: WireRequest;
    slices: LoadResult[];
    subgraphRequests: number;
  }
  const check = async (target: string, origin: string | undefined, request: WireRequest, count: CountingResult | undefined, known: readonly string[]): Promise<Side> => {
    const cell: OverheadCell = {
      target,
      requestBytes: requestBytes(request).total,
      responseBytes: 0,
      ...(count ? { fetchesPerRequest: count.fetchesPerRequest, sqlPerRequest: count.sqlPerRequest } : {}),
    };
    const side: Side = { cell, request, slices: [], subgraphRequests: 0 };
    if (!origin) {
      cell.problem = 'did not start';
      return side;
    }
    const problems = [...known];
    if (problems.length === 0) {
      const reply = await send(origin, request);
      cell.responseBytes = reply.bytes;
      problems.push(...replyProblems(reply, 1));
      const difference = problems.length === 0 && pair.reference ? firstDifference(replyData(pair.reference.body), replyData(reply.body)) : undefined;
      if (difference) problems.push(`reply differs from the ${pair.bff.target}'s at ${difference}`);
    }
    if (problems.length > 0) {
      cell.problem = `WRONG REPLY: ${problems.join('; ')}`;
      log(`${target} ${op.label} (${connections} connections): ${cell.problem}`);
      return side;
    }
    side.origin = origin;
    return side;
  };
  const direct = await check(pair.direct.target, pair.direct.origin, pair.direct.request, pair.direct.count, pair.direct.problems);
  const hop = pair.hopOrigin ? await check(HOP_FLOOR_TARGET, pair.hopOrigin, pair.direct.request, pair.direct.count, pair.direct.problems) : undefined;
  const bff = await check(pair.bff.target, pair.bff.instance && new URL(pair.bff.instance.url).origin, pair.bff.request, pair.bff.count, pair.bff.problems);
  const sides = [direct, ...(hop ? [hop] : []), bff].filter((side) => side.origin !== undefined);
  for (const side of sides) await load(side.origin!, side.request, connections, settings.warmupSeconds, 0);
  for (let slice = 0; slice < OVERHEAD_SLICES; slice++) {
    for (const side of sides) {
      const before = await subgraphRequests();
      side.slices.push(await load(side.origin!, side.request, connections, 0, settings.durationSeconds / OVERHEAD_SLICES));
      // Let the requests the load generator abandoned at its deadline finish before counting.
      await new Promise((r) => setTimeout(r, 200));
      side.subgraphRequests += (await subgraphRequests()) - before;
    }
  }
  for (const side of sides) {
    side.cell.load = combineSlices(side.slices);
    if (side.cell.load.totals.answered > 0) side.cell.fetchesPerRequestUnderLoad = side.subgraphRequests / side.cell.load.totals.answered;
    log(`${side.cell.target.padEnd(16)} ${op.label} ${String(connections).padStart(3)} conn. ${side.cell.load.rps.toFixed(1)} req/s, p50 ${side.cell.load.p50.toFixed(2)} ms`);
  }
  const directLoad = direct.cell.load;
  return {
    operationId: pair.operation.id,
    operation: op.label,
    subgraph: pair.operation.subgraph,
    connections,
    direct: direct.cell,
    ...(hop ? { hop: hop.cell } : {}),
    bff: bff.cell,
    ...(directLoad && bff.cell.load ? { p50OverheadMs: bff.cell.load.p50 - directLoad.p50 } : {}),
    ...(directLoad && hop?.cell.load ? { hopP50OverheadMs: hop.cell.load.p50 - directLoad.p50 } : {}),
    p50TargetMs: OVERHEAD_TARGET_MS,
  };
}

/** One side's slices as one load: counts added up, req/s over the whole window, each percentile the median of the slices'. */
function combineSlices(slices: readonly LoadResult[]): LoadResult {
  const sum = (pick: (l: LoadResult) => number) => slices.reduce((total, l) => total + pick(l), 0);
  const middle = (pick: (l: LoadResult) => number) => median(slices.map(pick)) ?? 0;
  return {
    rps: sum((l) => l.rps) / slices.length,
    requests: sum((l) => l.requests),
    p50: middle((l) => l.p50),
    p95: middle((l) => l.p95),
    p99: middle((l) => l.p99),
    responseWireBytes: sum((l) => l.responseWireBytes) / slices.length,
    non2xx: sum((l) => l.non2xx),
    errors: sum((l) => l.errors),
    timeouts: sum((l) => l.timeouts),
    totals: {
      answered: sum((l) => l.totals.answered),
      non2xx: sum((l) => l.totals.non2xx),
      sent: sum((l) => l.totals.sent),
      errors: sum((l) => l.totals.errors),
      timeouts: sum((l) => l.totals.timeouts),
    },
  };
}

function overheadNotes(results: readonly OverheadResult[]): string[] {
  const [first] = results;
  if (!first) return [];
  const figures = results.map((r) => {
    const under = r.bff.fetchesPerRequestUnderLoad;
    const deduplicated = under !== undefined && under < 0.95 ? ` (the BFF sent ${first.subgraph} ${under.toFixed(2)} fetches per request: its in-flight deduplication of identical fetches, so this is not its overhead)` : '';
    const floor = r.hopP50OverheadMs === undefined ? '' : ` (the hop floor: ${r.hopP50OverheadMs >= 0 ? '+' : ''}${r.hopP50OverheadMs.toFixed(2)} ms)`;
    return `${r.connections} connection${r.connections === 1 ? '' : 's'}: ${r.p50OverheadMs === undefined ? 'not measured' : `${r.p50OverheadMs >= 0 ? '+' : ''}${r.p50OverheadMs.toFixed(2)} ms`}${floor}${deduplicated}`;
  });
  return [
    `BFF overhead (${first.operation}, one fetch, to ${first.subgraph}; target at most ${first.p50TargetMs} ms at p50): ${figures.join('; ')}. The direct call is what a gateway sends that subgraph (the same query text, the gateway credential), and its reply equals the BFF's, so the difference is everything the BFF adds: its HTTP handling, gate, plan, the extra loopback hop, the reply. The hop floor is a Node process that only forwards the direct call to the subgraph and parses and re-serialises its reply (anchors/hop-floor-proxy.ts): what one more process and loopback hop cost on this machine before any gateway work. With one connection that is the per-request overhead; with many, the p50 is mostly queueing on shared cores (the BFF, the subgraph and the load generator), and the web BFF deduplicates identical fetches in flight (subgraphFetch.dedupeInFlight in its policy).`,
  ];
}

/** Each BFF with its cache on against the same BFF without, per operation. */
function cacheNotes(results: readonly CellResult[]): string[] {
  const pairs = cachePairs(results);
  if (pairs.length === 0) return [];
  const figures = pairs.map(
    (p) => `${p.operation} ${p.ratio.toFixed(2)}× the ${p.bff}'s req/s, ${formatCount(p.fetchesCached)} subgraph fetches per request against ${formatCount(p.fetchesUncached)}`,
  );
  return [
    `<bff>-cached: the same BFF with its policy's response cache and entity cache on (RESPONSE_CACHE=on, in memory; every other target runs without), loaded with the same request over and over, so after the first request its whole reply (an anonymous POST, a persisted GET) or each entity (a batch, which is never kept whole) comes from the cache: ${figures.join('; ')}. fetches/req for a cached BFF is counted after one warming request.`,
  ];
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
  clientsOf: (target: TargetSpec) => Client[],
  removedFields: (op: BenchOperation) => string[],
  fromSnapshot: boolean,
  mobileAppVersion: string,
): string[] {
  const notes: string[] = [];
  const anchors = targets.filter((t) => t.kind === 'anchor');
  const own = anchors.map((t) => ({ name: t.name, clients: clientsOf(t).filter((client) => !t.domainFor[client]) })).filter((a) => a.clients.length > 0);
  if (own.length > 0) {
    notes.push(
      `${own.map((a) => `${a.name} (${a.clients.join(', ')})`).join(' and ')} serve${own.length === 1 ? 's' : ''} each client's own supergraph, the one its BFF serves (schema/clients/<client>/supergraph.graphql: the client's contract, its experience subgraph included, \`for: SECURITY\` links demoted), one process per client, with that experience subgraph (webBff.experience, mobileBff.experience) served over HTTP on 127.0.0.1 by one child process of the bench (Apollo Server, buildSubgraphSchema, the gateway credential checked, like a domain subgraph); a BFF runs it in-process. ${own.length === 1 ? 'It runs' : 'They run'} the very operation text the BFF runs, and each reply was compared with the BFF's in full before its load.`,
    );
  }
  for (const anchor of anchors) {
    for (const client of clientsOf(anchor)) {
      const why = anchor.domainFor[client];
      if (!why) continue;
      const removed = operations.filter((op) => op.client === client).map((op) => `${op.label}: without ${removedFields(op).join(', ') || 'nothing'}`);
      notes.push(
        `NOT like for like: ${anchor.name} (${client}) serves the DOMAIN supergraph (rover.yaml, no experience subgraph) instead of the ${client} one, because ${why}. So it runs the ${client} operations projected onto the domain schema (${removed.join('; ')}), and each reply was compared with the BFF's on every other field before its load.`,
      );
    }
  }
  notes.push('vs apollo = req/s divided by stock @apollo/gateway\'s for the same operation in this run. resp B = reply body bytes; req B = request line + body, headers excluded.');
  notes.push('fetches/req = HTTP requests to the domain subgraphs, +N = an anchor\'s HTTP requests to the experience subgraph (a BFF\'s in-process experience subgraph is no fetch); SQL/req = sum of the domain subgraphs\' x-sql-statements.');
  const feed = operations.find((op) => op.transport === 'persisted-get');
  if (feed) {
    const get = wireRequest(feed, 'mobile-bff');
    notes.push(
      `${feed.label}: the mobile BFF gets a persisted GET (documentId=sha256:<hash> and variables, app ${mobileAppVersion} manifest; request line ${requestBytes(get).requestLine} bytes, no body); the anchors get the equivalent POST with the query text (${requestBytes(wireRequest(feed, 'anchor')).total} bytes).`,
    );
  }
  const batch = operations.find((op) => op.transport === 'persisted-batch');
  if (batch) {
    notes.push(
      `${batch.label}: ${batch.calls.map((c) => `${c.operationName}(${JSON.stringify(c.variables)})`).join(' + ')} in one POST (JSON array): hashes only to the mobile BFF, query texts to the anchors, which have HTTP batching switched on for it (Apollo Server allowBatchedHttpRequests, Hive batching limit 5). fetches/req and SQL/req count per HTTP request.`,
    );
  }
  notes.push('Web operations go to every target as a POST with the full query text (APQ hashes not used), without their @defer (ProductPage defers its reviews in the storefront): stock @apollo/gateway refuses @defer, and a BFF answers a JSON request in one reply anyway (the defer bench, tools/bench/defer-cli.ts, measures the parts).');
  notes.push('Both anchors run with their defaults otherwise (Hive Gateway: in-flight deduplication of identical subgraph requests on, one process, no --jit).');
  notes.push(`Everything shares this machine's cores (subgraphs, the target, the load generator); no CPU pinning. Subgraph data: ${fromSnapshot ? 'copied from the seeded snapshot' : 'seeded in this run'} into a fresh temporary directory.`);
  return notes;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
