import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { REPO_ROOT, freePort, freePorts } from '@bff/platform';
import { spawnService, stopAll, waitUntilReady } from '../stack/launcher';
import { STACK } from '../stack/stack';
import { hiveClientSupergraphGaps, type HiveGateway } from './hive';
import type { TargetKind } from './operations';

export type TargetName = 'web-bff' | 'mobile-bff' | 'web-bff-cached' | 'mobile-bff-cached' | 'apollo-gateway' | 'hive-gateway';
export type Client = 'web' | 'mobile';

/** Where a target's subgraphs are. */
export interface Routing {
  /** GraphQL endpoint per domain subgraph name. */
  subgraphUrls: Readonly<Record<string, string>>;
  /** Per client, its supergraph for the anchors (`clientSupergraphForAnchors`): these URLs and its experience subgraph's. */
  supergraphFiles: Readonly<Partial<Record<Client, string>>>;
  /** The domain supergraph with these URLs, for an anchor that cannot serve a client's own (`TargetSpec.domainFor`). */
  domainSupergraphFile?: string;
  gatewaySecret: string;
}

/** One process of a target, serving one client (a BFF serves its own; an anchor runs once per client supergraph). */
export interface RunningTarget {
  name: TargetName;
  client: Client;
  /** GraphQL endpoint. */
  url: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

export interface TargetSpec {
  name: TargetName;
  kind: TargetKind;
  /** A BFF with its policy's response and entity cache on (every other target runs without). */
  cached?: boolean;
  /** Which clients' operations it serves (a BFF serves its own client only). */
  clients: readonly Client[];
  describe: string;
  /**
   * Clients this target serves from the DOMAIN supergraph rather than their own, each with
   * why (an anchor that cannot serve a client supergraph). Empty for all but such anchors.
   */
  domainFor: Readonly<Partial<Record<Client, string>>>;
  /** Starts the process that serves `client`. */
  start(routing: Routing, client: Client): Promise<RunningTarget>;
}

const READY_TIMEOUT_MS = 120_000;

/** Environment a child inherits from the bench, minus what would point it elsewhere. */
export function baseEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: '' };
  for (const name of Object.keys(env)) {
    if (/^SUBGRAPH_URL_/.test(name) || ['REGISTRY_URL', 'REDIS_URL', 'SUPERGRAPH_FILE', 'STACK_DATA_DIR', 'DATABASE_URL', 'PORT', 'HOST', 'CONFIG_PATH', 'FORK'].includes(name)) delete env[name];
  }
  // No request log lines: the bench keeps each child's output in its own process, which also
  // generates the load, and the anchors log nothing per request either.
  env.LOG_LEVEL = 'warn';
  // One address sends the whole load: a caller's budget would be the bench's ceiling.
  env.RATE_LIMITS = 'off';
  // The uncached figures: rows with the cache on say so.
  env.RESPONSE_CACHE = 'off';
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  return env;
}

/** A BFF's environment as production has it (baseEnv's), over this run's subgraphs and a fresh JWT secret. */
function productionBffEnv(gatewaySecret: string, subgraphUrls: Record<string, string>): Record<string, string | undefined> {
  return {
    ...baseEnv(),
    NODE_ENV: 'production',
    GATEWAY_SECRET: gatewaySecret,
    JWT_SECRET: randomBytes(24).toString('hex'),
    ...Object.fromEntries(Object.entries(subgraphUrls).map(([subgraph, url]) => [`SUBGRAPH_URL_${subgraph.toUpperCase()}`, url])),
  };
}

/**
 * One client's BFF as production runs it (see bffTarget) over the bench's subgraphs, for the
 * side benches (defer, streaming, flood, cache): one process, `extraEnv` on top; resolves once
 * it answers, with its base URL.
 */
export async function spawnProductionBff(
  client: Client,
  subgraphs: { gatewaySecret: string; urls: Record<string, string> },
  extraEnv: Record<string, string | undefined> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const service = STACK.find((s) => s.name === `${client}-bff`)!;
  const port = await freePort();
  let output = '';
  const env = { ...productionBffEnv(subgraphs.gatewaySecret, subgraphs.urls), WORKERS: undefined, ...extraEnv };
  const { child, url } = spawnService(service, port, { env, log: (line) => void (output += `${line}\n`) });
  await waitUntilReady(service, url, child, READY_TIMEOUT_MS).catch(async (error: Error) => {
    await stopAll([child], 5_000);
    throw new Error(`${client}-bff: ${error.message}\n${output}`);
  });
  return { child, url };
}

/**
 * Our BFF as production runs it: its normal entry point (`bffs/<client>/src/index.ts`, the
 * launcher's spawn), NODE_ENV=production (mobile: persisted queries only), static mode
 * (the checked-in client supergraph), subgraphs moved with SUBGRAPH_URL_<NAME>. `cached`:
 * with its policy's response and entity cache (in memory), as `<name>-cached`.
 */
function bffTarget(bff: 'web-bff' | 'mobile-bff', cached = false): TargetSpec {
  const service = STACK.find((s) => s.name === bff);
  if (!service) throw new Error(`the stack has no ${bff}`);
  const name: TargetName = cached ? `${bff}-cached` : bff;
  return {
    name,
    kind: bff,
    ...(cached ? { cached } : {}),
    clients: [bff === 'web-bff' ? 'web' : 'mobile'],
    describe: `${service.entry}, NODE_ENV=production${cached ? ', RESPONSE_CACHE=on (its policy\'s response and entity cache, in memory)' : ''}`,
    domainFor: {},
    async start(routing, client) {
      const port = await freePort();
      let output = '';
      const env = { ...productionBffEnv(routing.gatewaySecret, routing.subgraphUrls), ...(cached ? { RESPONSE_CACHE: 'on' } : {}) };
      const { child, url } = spawnService(service, port, { env, log: (line) => void (output += `${line}\n`) });
      await waitUntilReady(service, url, child, READY_TIMEOUT_MS).catch(async (error: Error) => {
        await stopAll([child], 5_000);
        throw new Error(`${name}: ${error.message}\n${output}`);
      });
      return { name, client, url: `${url}/graphql`, pid: child.pid!, output: () => output, stop: () => stopAll([child], 10_000) };
    },
  };
}

/** Spawns a gateway with an IPC channel (it exits when the bench goes) and waits until it answers a query. */
async function startAnchor(name: TargetName, client: Client, args: string[], env: Record<string, string | undefined>, port: number, cwd: string): Promise<RunningTarget> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} (${client}) exited (${child.signalCode ?? child.exitCode}) before it was ready:\n${output}`);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(2_000),
      });
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stopAll([child], 5_000);
      throw new Error(`${name} (${client}) did not answer at ${url} within ${READY_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // An anchor has nothing to drain once its load is over, and Hive Gateway takes ~10 s to exit on SIGTERM.
  return { name, client, url, pid: child.pid!, output: () => output, stop: () => stopAll([child], 500) };
}

function supergraphFileOf(routing: Routing, target: TargetSpec, client: Client): string {
  const file = target.domainFor[client] ? routing.domainSupergraphFile : routing.supergraphFiles[client];
  if (!file) throw new Error(`no ${target.domainFor[client] ? 'domain' : client} supergraph for ${target.name} in this run`);
  return file;
}

const apolloGateway: TargetSpec = {
  name: 'apollo-gateway',
  kind: 'anchor',
  clients: ['web', 'mobile'],
  describe: 'stock @apollo/gateway 2.14.4 in @apollo/server 5.5.1, NODE_ENV=production, one process per client supergraph',
  domainFor: {},
  async start(routing, client) {
    const port = await freePort();
    const env = { ...baseEnv(), NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', SUPERGRAPH_FILE: supergraphFileOf(routing, apolloGateway, client), GATEWAY_SECRET: routing.gatewaySecret };
    return startAnchor('apollo-gateway', client, ['--import', 'tsx', resolve(__dirname, 'anchors', 'stock-apollo-gateway.ts')], env, port, REPO_ROOT);
  },
};

function hiveGateway(hive: Extract<HiveGateway, { ok: true }>, configFile: string, workDir: string): TargetSpec {
  const target: TargetSpec = {
    name: 'hive-gateway',
    kind: 'anchor',
    clients: ['web', 'mobile'],
    describe: `Hive Gateway ${hive.version} (hive-gateway supergraph, one process per client supergraph, default runtime), NODE_ENV=production`,
    domainFor: hiveClientSupergraphGaps(hive.version),
    async start(routing, client) {
      const port = await freePort();
      const env = { ...baseEnv(), NODE_ENV: 'production', GATEWAY_SECRET: routing.gatewaySecret };
      const args = [hive.bin, 'supergraph', supergraphFileOf(routing, target, client), '--port', String(port), '--host', '127.0.0.1', '--fork', '1', '-c', configFile];
      return startAnchor('hive-gateway', client, args, env, port, workDir);
    },
  };
  return target;
}

/** The targets of one run, baseline first. */
export function benchTargets(hive: HiveGateway, hiveConfigFile: string, workDir: string): TargetSpec[] {
  return [apolloGateway, ...(hive.ok ? [hiveGateway(hive, hiveConfigFile, workDir)] : []), bffTarget('web-bff'), bffTarget('mobile-bff'), bffTarget('web-bff', true), bffTarget('mobile-bff', true)];
}

/** The experience subgraphs the anchors call over HTTP (one child process, one port per client). */
export interface ExperienceSubgraphs {
  /** GraphQL endpoint per client. */
  urls: Partial<Record<Client, string>>;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The URLs the experience subgraphs will have, known before they are spawned (the anchors'
 * supergraphs need them), and a start that spawns `anchors/experience-subgraphs.ts` and waits
 * until each answers its readiness probe.
 */
export async function experienceSubgraphs(clients: readonly Client[]): Promise<{ urls: Partial<Record<Client, string>>; start(gatewaySecret: string): Promise<ExperienceSubgraphs> }> {
  const free = await freePorts(clients.length);
  const ports = new Map<Client, number>(clients.map((client, i) => [client, free[i]!]));
  const urls = Object.fromEntries([...ports].map(([client, port]) => [client, `http://127.0.0.1:${port}/graphql`])) as Partial<Record<Client, string>>;
  return {
    urls,
    async start(gatewaySecret) {
      const env = { ...baseEnv(), NODE_ENV: 'production', HOST: '127.0.0.1', GATEWAY_SECRET: gatewaySecret, EXPERIENCE_PORTS: [...ports].map(([client, port]) => `${client}=${port}`).join(',') };
      const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'anchors', 'experience-subgraphs.ts')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      let output = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (const url of Object.values(urls)) {
        const probe = url.replace(/\/graphql$/, '/health/ready');
        for (;;) {
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the experience subgraphs exited (${child.signalCode ?? child.exitCode}) before they were ready:\n${output}`);
          const ready = await fetch(probe, { signal: AbortSignal.timeout(2_000) }).then(
            (response) => response.status === 200,
            () => false,
          );
          if (ready) break;
          if (Date.now() > deadline) {
            await stopAll([child], 5_000);
            throw new Error(`the experience subgraph at ${url} was not ready within ${READY_TIMEOUT_MS} ms:\n${output}`);
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      return { urls, pid: child.pid!, output: () => output, stop: () => stopAll([child], 5_000) };
    },
  };
}

/** The hop floor of the overhead row (`anchors/hop-floor-proxy.ts`) in front of one subgraph: its origin, and how to stop it. */
export async function startHopFloorProxy(subgraphOrigin: string): Promise<{ origin: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'anchors', 'hop-floor-proxy.ts')], {
    cwd: REPO_ROOT,
    env: { ...baseEnv(), UPSTREAM: subgraphOrigin },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hop floor proxy was not ready within ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    child.once('message', (message: { port?: number }) => {
      clearTimeout(timer);
      resolvePort(message.port ?? 0);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the hop floor proxy exited (${signal ?? code}) before it was ready:\n${output}`));
    });
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => stopAll([child], 5_000) };
}
