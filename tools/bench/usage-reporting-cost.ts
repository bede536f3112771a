import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, metricValue } from '@bff/platform';
import { spawnService, stopAll, waitUntilReady } from '../stack/launcher';
import { STACK } from '../stack/stack';
import type { Cleanup } from './bench';
import { runLoad, type LoadResult, type LoadTotals } from './load';
import { benchOperations, wireRequest, type BenchOperation, type WireRequest } from './operations';
import { startSubgraphs, type RunningSubgraphs } from './stack';
import { baseEnv } from './targets';
import { replyProblems, send } from './verify';

/** The operations this measurement knows (ids of operations.ts); a BFF serves its own client's. */
export const USAGE_COST_OPERATIONS = ['web-product', 'web-home', 'mobile-feed'] as const;

export interface UsageCostSettings {
  rounds: number;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Ids of USAGE_COST_OPERATIONS. */
  operations: readonly string[];
  /** The bench's cache directory (seeded subgraph snapshot). */
  home: string;
  log: (line: string) => void;
}

export type Reporting = 'on' | 'off';

export interface RoundResult {
  round: number;
  /** Which BFF was loaded first this round (ABBA: it alternates). */
  first: Reporting;
  on: LoadResult;
  off: LoadResult;
  /** Every response of each run, warm-up included (the check that every one was 2xx). */
  onTotals: LoadTotals;
  offTotals: LoadTotals;
}

/** What the load generator got answered by the "on" BFF, against what the registry recorded for it. */
export interface Reconciliation {
  /** Every response the "on" BFF gave the bench for this operation: the reply check, warm-ups, measured windows, tails. */
  answered: number;
  non2xx: number;
  errors: number;
  /**
   * Requests the load generator abandoned in flight when a run stopped (autocannon closes its
   * sockets at the deadline): the BFF ran them, so the registry counts them, but no reply was seen.
   */
  abandoned: number;
  /** Requests the registry holds for this operation, and the (client name, version) keys they came under. */
  registryRecorded: number;
  registryKeys: string[];
  /** registryRecorded - answered. */
  difference: number;
  /** Seconds from the end of the "on" BFF's last run until the registry's count settled (with an odd number of rounds, "off" ran after it). */
  settledAfterSeconds: number;
  settledBecause: string;
}

export interface OperationCost {
  id: string;
  label: string;
  client: 'web' | 'mobile';
  /** The unmeasured run on each BFF before the rounds (its responses are checked and counted too). */
  priming: Record<Reporting, LoadTotals>;
  rounds: RoundResult[];
  reconciliation?: Reconciliation;
}

export interface UsageCostResult {
  operations: OperationCost[];
  /** The "on" BFFs' usage reports by outcome, per client (`bff_usage_reports_total`). */
  reportsByClient: Record<string, Record<string, number>>;
}

const READY_TIMEOUT_MS = 120_000;
const REPORT_INTERVAL_MS = 10_000;

interface RunningProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The registry as the stack runs it (`schema/registry/main.ts`), production settings, over a
 * fresh PGlite directory of its own: it bootstraps the rover.yaml subgraphs and the repo's
 * manifests, which is what the BFFs in registry mode load their supergraph and safelist from.
 */
async function startRegistry(usageToken: string, log: (line: string) => void): Promise<RunningProcess> {
  const service = STACK.find((s) => s.name === 'registry');
  if (!service) throw new Error('the stack has no registry');
  const dataDir = mkdtempSync(join(tmpdir(), 'bff-bench-registry-'));
  const port = await freePort();
  let output = '';
  const env = {
    ...baseEnv(),
    NODE_ENV: 'production',
    // The launcher gives each service <STACK_DATA_DIR>/<name> as DATA_DIR (it drops a DATA_DIR of its own).
    STACK_DATA_DIR: dataDir,
    REGISTRY_TOKEN: randomBytes(24).toString('hex'),
    REGISTRY_USAGE_TOKEN: usageToken,
  };
  log(`starting the registry (fresh data in ${dataDir})…`);
  const { child, url } = spawnService(service, port, { env, log: (line) => void (output += `${line}\n`) });
  const stop = async () => {
    await stopAll([child], 10_000);
    rmSync(dataDir, { recursive: true, force: true });
  };
  await waitUntilReady(service, url, child, READY_TIMEOUT_MS).catch(async (error: Error) => {
    await stop();
    throw new Error(`registry: ${error.message}\n${output}`);
  });
  return { url, output: () => output, stop };
}

/**
 * One BFF as production runs it (bffs/<client>/src/index.ts, the launcher's spawn, the bench's
 * environment), in registry mode: the supergraph and the safelist come from the registry, the
 * subgraphs' routing URLs are moved to the bench's subgraphs with SUBGRAPH_URL_<NAME> (they
 * apply to the registry's supergraph too). The only difference between the pair of a client
 * is USAGE_REPORTING.
 */
async function startRegistryModeBff(
  client: 'web' | 'mobile',
  reporting: Reporting,
  subgraphs: { urls: Record<string, string>; gatewaySecret: string },
  registry: { url: string; usageToken: string },
): Promise<RunningProcess & { pid: number }> {
  const name = `${client}-bff`;
  const service = STACK.find((s) => s.name === name);
  if (!service) throw new Error(`the stack has no ${name}`);
  const port = await freePort();
  let output = '';
  const env: Record<string, string | undefined> = {
    ...baseEnv(),
    NODE_ENV: 'production',
    GATEWAY_SECRET: subgraphs.gatewaySecret,
    JWT_SECRET: randomBytes(24).toString('hex'),
    ...Object.fromEntries(Object.entries(subgraphs.urls).map(([subgraph, url]) => [`SUBGRAPH_URL_${subgraph.toUpperCase()}`, url])),
    REGISTRY_URL: registry.url,
    REGISTRY_USAGE_TOKEN: registry.usageToken,
    USAGE_REPORTING: reporting,
  };
  // Both poll the registry at the default pace; only "on" reports, every 10 s as in production.
  delete env.REGISTRY_POLL_MS;
  delete env.USAGE_REPORT_INTERVAL_MS;
  if (reporting === 'on') env.USAGE_REPORT_INTERVAL_MS = String(REPORT_INTERVAL_MS);
  const { child, url } = spawnService(service, port, { env, log: (line) => void (output += `${line}\n`) });
  const stop = () => stopAll([child], 10_000);
  await waitUntilReady(service, url, child, READY_TIMEOUT_MS).catch(async (error: Error) => {
    await stop();
    throw new Error(`${name} (USAGE_REPORTING=${reporting}): ${error.message}\n${output}`);
  });
  return { url, pid: child.pid!, output: () => output, stop };
}

interface BffPair {
  client: 'web' | 'mobile';
  on: RunningProcess;
  off: RunningProcess;
}

/** An operation's traffic as the registry answers `GET /clients/:client/usage`. */
interface RegistryTraffic {
  operations: { operationName: string | null; clientName: string; clientVersion: string; requests: number }[];
}

async function registryCount(registryUrl: string, client: string, operationName: string): Promise<{ requests: number; keys: string[] }> {
  // Two days, not one: a report sent just after midnight (UTC) files the earlier requests under the new day, but one
  // sent before it files them under the old one. The registry is fresh, so nothing older is there.
  const response = await fetch(`${registryUrl}/clients/${client}/usage?days=2`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET /clients/${client}/usage answered ${response.status}: ${await response.text()}`);
  const traffic = (await response.json()) as RegistryTraffic;
  const rows = traffic.operations.filter((op) => op.operationName === operationName);
  return {
    requests: rows.reduce((sum, row) => sum + row.requests, 0),
    keys: rows.map((row) => `${row.clientName}@${row.clientVersion || '(no version)'}: ${row.requests.toLocaleString('en-US')}`),
  };
}

async function metricsOf(bffUrl: string): Promise<string> {
  const response = await fetch(`${bffUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  return response.text();
}

/**
 * Waits for the "on" BFF's next report after the load and reconciles each operation's counts.
 * The registry should end up with every request the load generator got answered plus those it
 * abandoned in flight (which the BFF ran all the same); polling stops when it holds exactly
 * that, or when its count has not grown for one report interval and a bit, and in any case
 * two intervals and a bit after the load: everything stays bounded.
 */
async function waitForReport(
  pair: BffPair,
  registryUrl: string,
  operations: readonly { operation: BenchOperation; totals: LoadTotals }[],
  onLastRunEndedAt: number,
  log: (line: string) => void,
): Promise<Reconciliation[]> {
  const names = operations.map(({ operation }) => operation.calls[0]!.operationName);
  const abandoned = operations.map(({ totals }) => Math.max(0, totals.sent - totals.answered - totals.errors));
  const expected = operations.map(({ totals }, i) => totals.answered + abandoned[i]!);
  const waitStarted = Date.now();
  const hardDeadline = waitStarted + 2 * REPORT_INTERVAL_MS + 5_000;
  const quietLimitMs = REPORT_INTERVAL_MS + 3_000;
  let lastTotal = -1;
  let lastGrowth = Date.now();
  let because = '';
  let counts: { requests: number; keys: string[] }[] = [];
  log(`${pair.client}: waiting for the "on" BFF's next usage report (every ${REPORT_INTERVAL_MS / 1000} s)…`);
  for (;;) {
    counts = await Promise.all(names.map((name) => registryCount(registryUrl, pair.client, name)));
    const total = counts.reduce((sum, c) => sum + c.requests, 0);
    if (total !== lastTotal) {
      lastTotal = total;
      lastGrowth = Date.now();
    }
    if (counts.every((c, i) => c.requests === expected[i])) {
      because = 'it holds every request answered plus every one abandoned in flight';
      break;
    }
    if (total > 0 && Date.now() - lastGrowth > quietLimitMs) {
      because = `no growth for ${(quietLimitMs / 1000).toFixed(0)} s`;
      break;
    }
    if (Date.now() > hardDeadline) {
      because = `time limit (${((hardDeadline - waitStarted) / 1000).toFixed(0)} s of waiting)`;
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const settledAfterSeconds = (Date.now() - onLastRunEndedAt) / 1000;
  return operations.map(({ totals }, i) => ({
    answered: totals.answered,
    non2xx: totals.non2xx,
    errors: totals.errors,
    abandoned: abandoned[i]!,
    registryRecorded: counts[i]!.requests,
    registryKeys: counts[i]!.keys,
    difference: counts[i]!.requests - totals.answered,
    settledAfterSeconds,
    settledBecause: because,
  }));
}

const addTotals = (a: LoadTotals, b: LoadTotals): LoadTotals => ({
  answered: a.answered + b.answered,
  non2xx: a.non2xx + b.non2xx,
  sent: a.sent + b.sent,
  errors: a.errors + b.errors,
  timeouts: a.timeouts + b.timeouts,
});

/** Sends the request once (as the load will) to each BFF of the pair and refuses to go on if a reply is wrong. */
async function checkReplies(pair: BffPair, operation: BenchOperation, request: WireRequest): Promise<void> {
  for (const reporting of ['on', 'off'] as const) {
    const problems = replyProblems(await send(pair[reporting].url, request), operation.calls.length);
    if (problems.length > 0) throw new Error(`${operation.label} on the ${reporting} BFF: ${problems.join('; ')}\n${pair[reporting].output()}`);
  }
}

/**
 * Part 1: the cost of usage reporting on a BFF. The subgraphs and one registry process, then
 * per client two BFFs in registry mode, USAGE_REPORTING=on and off, loaded one after the other
 * with the same settings, in ABBA order (the first of a round alternates, so drift in the
 * machine's state cancels over the rounds). Afterwards, what the "on" BFF answered is
 * reconciled with what the registry recorded.
 */
export async function measureUsageReportingCost(settings: UsageCostSettings, cleanup: Cleanup): Promise<UsageCostResult> {
  const { log } = settings;
  const operations = benchOperations().operations.filter((op) => settings.operations.includes(op.id));
  const clients = [...new Set(operations.map((op) => op.client))];
  const usageToken = randomBytes(24).toString('hex');
  const primingSeconds = Math.max(5, settings.warmupSeconds);

  // The registry and the subgraphs start side by side; the BFFs start once both are there.
  log('starting the five subgraphs and the registry…');
  const [subgraphs, registry] = await Promise.all([
    startSubgraphs({ home: settings.home, reseed: false, log }).then((running: RunningSubgraphs) => {
      cleanup.add(() => running.stop());
      return running;
    }),
    startRegistry(usageToken, log).then((running) => {
      cleanup.add(() => running.stop());
      return running;
    }),
  ]);
  log(`registry at ${registry.url}; starting ${clients.length * 2} BFFs in registry mode (USAGE_REPORTING on and off per client)…`);
  const pairs: BffPair[] = await Promise.all(
    clients.map(async (client) => {
      const [on, off] = await Promise.all(
        (['on', 'off'] as const).map(async (reporting) => {
          const bff = await startRegistryModeBff(client, reporting, subgraphs, { url: registry.url, usageToken });
          cleanup.add(() => bff.stop());
          return bff;
        }),
      );
      return { client, on: on!, off: off! };
    }),
  );

  const results: OperationCost[] = [];
  const reportsByClient: Record<string, Record<string, number>> = {};
  for (const pair of pairs) {
    const measured: { operation: BenchOperation; totals: LoadTotals }[] = [];
    let onLastRunEndedAt = Date.now();
    for (const operation of operations.filter((op) => op.client === pair.client)) {
      const request = wireRequest(operation, `${pair.client}-bff`);
      await checkReplies(pair, operation, request);
      // The reply check is one request the "on" BFF answered (and recorded) too.
      let onTotals: LoadTotals = { answered: 1, non2xx: 0, sent: 1, errors: 0, timeouts: 0 };
      // One unmeasured run on each BFF first, so that neither meets its first round cold (JIT, plan cache, connection pools).
      const priming = {} as Record<Reporting, LoadTotals>;
      for (const reporting of ['on', 'off'] as const) {
        log(`${operation.label}: priming the USAGE_REPORTING=${reporting} BFF (${primingSeconds} s, not measured)`);
        const { totals } = await runLoad({ origin: pair[reporting].url, request, connections: settings.connections, warmupSeconds: 0, durationSeconds: primingSeconds });
        priming[reporting] = totals;
      }
      onTotals = addTotals(onTotals, priming.on);
      const cost: OperationCost = { id: operation.id, label: operation.label, client: operation.client, priming, rounds: [] };
      for (let round = 1; round <= settings.rounds; round += 1) {
        const order: Reporting[] = round % 2 === 1 ? ['on', 'off'] : ['off', 'on'];
        const loads = {} as Record<Reporting, { load: LoadResult; totals: LoadTotals }>;
        for (const reporting of order) {
          log(`${operation.label}, round ${round}/${settings.rounds}: USAGE_REPORTING=${reporting}, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s, ${settings.connections} connections`);
          const load = await runLoad({
            origin: pair[reporting].url,
            request,
            connections: settings.connections,
            warmupSeconds: settings.warmupSeconds,
            durationSeconds: settings.durationSeconds,
          });
          const { totals } = load;
          loads[reporting] = { load, totals };
          if (reporting === 'on') {
            onTotals = addTotals(onTotals, totals);
            onLastRunEndedAt = Date.now();
          }
        }
        cost.rounds.push({ round, first: order[0]!, on: loads.on.load, off: loads.off.load, onTotals: loads.on.totals, offTotals: loads.off.totals });
      }
      results.push(cost);
      measured.push({ operation, totals: onTotals });
    }
    // Requests abandoned when a run stopped may still be running in the BFF for a moment.
    await new Promise((r) => setTimeout(r, 200));
    const reconciliations = await waitForReport(pair, registry.url, measured, onLastRunEndedAt, log);
    measured.forEach(({ operation }, i) => (results.find((r) => r.id === operation.id)!.reconciliation = reconciliations[i]));
    const metrics = await metricsOf(pair.on.url);
    reportsByClient[pair.client] = Object.fromEntries(['accepted', 'refused', 'failed'].map((outcome) => [outcome, metricValue(metrics, 'bff_usage_reports_total', { outcome })]));
    // This client's BFFs are done: the next client's load gets the machine to itself.
    await Promise.all([pair.on.stop(), pair.off.stop()]);
  }
  return { operations: results, reportsByClient };
}
