import { randomBytes, createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { REPO_ROOT, freePorts, processIsAlive } from '@bff/platform';
import { spawnStack, stopAll, waitForStack } from '../stack/launcher';
import { STACK, type StackService } from '../stack/stack';

/** The five domain subgraphs of `npm start`, without the registry and the BFFs. */
export const SUBGRAPH_SERVICES: readonly StackService[] = STACK.filter((service) => service.kind === 'subgraph');

export interface RunningSubgraphs {
  /** GraphQL endpoint of each subgraph, by name. */
  urls: Record<string, string>;
  /** The credential these subgraphs require (`x-gateway-credential`). */
  gatewaySecret: string;
  /** Subgraph processes by name (for RSS). */
  pids: Record<string, number>;
  dataDir: string;
  /** Whether the data came from a seeded snapshot (false: seeded in this run). */
  fromSnapshot: boolean;
  /** Everything the subgraphs printed (shown when something fails). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartSubgraphsOptions {
  /** The bench's cache directory ($BFF_BENCH_HOME). */
  home: string;
  /** Seed from scratch even if a seeded snapshot for this code exists. */
  reseed: boolean;
  log: (line: string) => void;
  /** Called once the subgraphs that will serve the run are spawned (their ports known), before they are ready. */
  onSpawned?: (urls: Record<string, string>, gatewaySecret: string) => void;
}

/**
 * Starts the five subgraphs the way `npm start` does (launcher code, one process each,
 * PGlite), on free ports, in a fresh temporary data directory that is removed afterwards.
 *
 * Seeding five fresh PGlite databases takes 15–50 s on two cores, so the first run keeps a
 * seeded snapshot in the bench's home, keyed by a hash of everything under `subgraphs/`
 * that can change the data (code, migrations, the PGlite version). Later runs copy it into
 * their fresh directory; any change to that code makes a new snapshot.
 */
export async function startSubgraphs(options: StartSubgraphsOptions): Promise<RunningSubgraphs> {
  const gatewaySecret = randomBytes(24).toString('hex');
  const snapshots = join(options.home, 'seeded');
  const key = dataKey();
  const snapshot = join(snapshots, key);
  const fromSnapshot = !options.reseed && existsSync(join(snapshot, '.complete'));
  if (!fromSnapshot) {
    options.log(`seeding fresh PGlite databases for the snapshot ${relative(options.home, snapshot)} (once per subgraph code version)…`);
    const building = join(snapshots, `.building-${process.pid}`);
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    const seeding = await launch(building, gatewaySecret);
    await seeding.stop();
    // Older snapshots belong to code that is gone (another run's snapshot in the making is left alone).
    for (const entry of readdirSync(snapshots)) {
      const builder = /^\.building-(\d+)$/.exec(entry);
      if (builder && (Number(builder[1]) === process.pid || processIsAlive(Number(builder[1])))) continue;
      rmSync(join(snapshots, entry), { recursive: true, force: true });
    }
    mkdirSync(join(building, '.complete'));
    renameSync(building, snapshot);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'bff-bench-data-'));
  cpSync(snapshot, dataDir, { recursive: true, filter: (source) => !source.endsWith('.complete') });
  const running = await launch(dataDir, gatewaySecret, options.onSpawned).catch((error: Error) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    ...running,
    gatewaySecret,
    dataDir,
    fromSnapshot,
    stop: async () => {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function launch(
  dataDir: string,
  gatewaySecret: string,
  onSpawned?: StartSubgraphsOptions['onSpawned'],
): Promise<Omit<RunningSubgraphs, 'gatewaySecret' | 'dataDir' | 'fromSnapshot'>> {
  let output = '';
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: '', STACK_DATA_DIR: dataDir, GATEWAY_SECRET: gatewaySecret };
  delete env.DATABASE_URL; // embedded PGlite, always
  env.LOG_LEVEL = 'warn'; // see baseEnv in targets.ts
  const ports = await freePorts(SUBGRAPH_SERVICES.length);
  SUBGRAPH_SERVICES.forEach((service, i) => (env[`${service.name.toUpperCase()}_PORT`] = String(ports[i])));
  const options = { env, log: (line: string) => void (output += `${line}\n`) };
  const running = spawnStack(SUBGRAPH_SERVICES, options);
  const children: ChildProcess[] = running.map((r) => r.child);
  const urls = Object.fromEntries(running.map((r) => [r.service.name, `${r.url}${r.service.publicPath}`]));
  onSpawned?.(urls, gatewaySecret);
  try {
    await waitForStack(running, options);
  } catch (error) {
    await stopAll(children);
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    urls,
    pids: Object.fromEntries(running.map((r) => [r.service.name, r.child.pid!])),
    output: () => output,
    stop: () => stopAll(children),
  };
}

/** Hash of every file under subgraphs/ (tests and data excluded) plus the PGlite version. */
function dataKey(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      if (entry === 'node_modules' || entry === '.data' || entry === 'test' || entry.endsWith('.test.ts')) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(relative(REPO_ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(resolve(REPO_ROOT, 'subgraphs'));
  const pglite = resolve(REPO_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  hash.update(existsSync(pglite) ? readFileSync(pglite) : 'pglite?');
  return hash.digest('hex').slice(0, 16);
}


/**
 * The side benches' start: a log that says how far in each line is, and the five subgraphs
 * on the seeded snapshot in the bench's home (`BFF_BENCH_HOME`, default /tmp/bff-bench).
 */
export async function startBenchSubgraphs(bench: string): Promise<{ log: (line: string) => void; subgraphs: RunningSubgraphs }> {
  const started = Date.now();
  const log = (line: string) => console.error(`[${bench} ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);
  log('starting the five subgraphs…');
  const subgraphs = await startSubgraphs({ home: resolve(process.env.BFF_BENCH_HOME || '/tmp/bff-bench'), reseed: false, log });
  return { log, subgraphs };
}
