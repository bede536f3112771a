import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigError, readOptionalString, readPort, readPositiveInt } from '@bff/platform';
import { entryPath, portVariable, type StackService } from './stack';

export interface RunningService {
  service: StackService;
  url: string;
  child: ChildProcess;
}

export interface LaunchOptions {
  env: Record<string, string | undefined>;
  /** Where child output goes; each line is already prefixed with the service name. */
  log: (line: string) => void;
  /** How long a service may take to become ready. @default 120000 (env `READY_TIMEOUT_MS`) */
  readyTimeoutMs?: number;
}

export const DEFAULT_READY_TIMEOUT_MS = 120_000;

/** Variables that describe one process; inheriting them would make all services collide. */
const PER_PROCESS = ['PORT', 'DATA_DIR', 'DATABASE_SCHEMA'];

/**
 * Starts each service as its own child process (plain `node` with tsx's loader, no wrapper
 * process in between, so a signal reaches the service itself) with an IPC channel: if the
 * launcher dies, even by SIGKILL, the channel closes and every child shuts itself down.
 */
export function spawnService(
  service: StackService,
  port: number,
  options: LaunchOptions,
  extraEnv: Record<string, string> = {},
): { child: ChildProcess; url: string } {
  const host = readOptionalString(options.env, 'HOST') ?? '127.0.0.1';
  const env: Record<string, string | undefined> = { ...options.env, ...service.env, ...extraEnv, PORT: String(port), HOST: host };
  for (const name of PER_PROCESS) if (name !== 'PORT') delete env[name];
  const stackDataDir = readOptionalString(options.env, 'STACK_DATA_DIR');
  if (stackDataDir) env.DATA_DIR = resolve(stackDataDir, service.name);

  const loader = service.loader === 'tsx-cjs' ? ['--require', 'tsx/cjs'] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...(service.nodeFlags ?? []), ...loader, entryPath(service)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const forward = (stream: NodeJS.ReadableStream | null) => {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.length > 0) options.log(line.startsWith('[') ? line : `[${service.name}] ${line}`);
    });
  };
  forward(child.stdout);
  forward(child.stderr);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { child, url: `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${port}` };
}

/** Resolves once `url + readyPath` answers 200; rejects if the child exits or time runs out. */
export async function waitUntilReady(service: StackService, url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `code ${code}`));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${service.name} exited (${exited}) before it was ready`);
    try {
      const response = await fetch(`${url}${service.readyPath}`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${service.name} was not ready at ${url}${service.readyPath} within ${timeoutMs} ms`);
}

/** SIGTERM every child, wait for them to drain and exit, SIGKILL whoever outstays `graceMs`. */
export async function stopAll(children: readonly ChildProcess[], graceMs = 15_000): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolveStop) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
          const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(killer);
            resolveStop();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Every service's port, all validated before anything is spawned (one bad variable, nothing started). */
export function resolvePorts(services: readonly StackService[], env: LaunchOptions['env']): number[] {
  const ports = services.map((service) => readPort(env, portVariable(service), service.defaultPort));
  const taken = new Map<number, string>();
  services.forEach((service, i) => {
    const other = taken.get(ports[i]!);
    if (other && ports[i] !== 0) {
      throw new ConfigError(`${portVariable(service)} and ${other} both ask for port ${ports[i]}`);
    }
    taken.set(ports[i]!, portVariable(service));
  });
  return ports;
}

/** Spawns every service at once (they start in parallel); see `waitForStack`. */
export function spawnStack(services: readonly StackService[], options: LaunchOptions): RunningService[] {
  const ports = resolvePorts(services, options.env);
  readPositiveInt(options.env, 'READY_TIMEOUT_MS', DEFAULT_READY_TIMEOUT_MS); // validate now, use later
  // One gateway secret per run, shared by the BFFs and the subgraphs of this stack only.
  const shared: Record<string, string> = { GATEWAY_SECRET: readOptionalString(options.env, 'GATEWAY_SECRET') ?? randomBytes(24).toString('hex') };
  // Each BFF is told where the subgraphs of this stack listen, whatever ports they were given.
  const host = readOptionalString(options.env, 'HOST') ?? '127.0.0.1';
  const routing: Record<string, string> = {};
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host;
  services.forEach((service, i) => {
    if (service.kind === 'subgraph') routing[`SUBGRAPH_URL_${service.name.toUpperCase()}`] = `http://${reachable}:${ports[i]}/graphql`;
    if (service.kind === 'registry') {
      // Registry mode in the local stack, so a publish shows up in the BFFs within seconds.
      routing.REGISTRY_URL = `http://${reachable}:${ports[i]}`;
      routing.REGISTRY_POLL_MS ??= readOptionalString(options.env, 'REGISTRY_POLL_MS') ?? '2000';
    }
  });
  // A service that calls others is told where they listen in this stack, too.
  const callsOf = (service: StackService): Record<string, string> =>
    Object.fromEntries(
      Object.entries(service.calls ?? {}).map(([variable, name]) => {
        const i = services.findIndex((s) => s.name === name);
        if (i < 0) throw new ConfigError(`${service.name} calls ${name}, which is not a service of this stack`);
        return [variable, `http://${reachable}:${ports[i]}${services[i]!.publicPath}`];
      }),
    );
  const extraEnv = services.map((service) =>
    service.kind === 'bff' ? { ...shared, ...routing } : service.kind === 'client' ? callsOf(service) : { ...shared, ...callsOf(service) },
  );
  return services.map((service, i) => ({ service, ...spawnService(service, ports[i]!, options, extraEnv[i]) }));
}

/** Resolves once every service is ready; on any failure stops them all and rejects. */
export async function waitForStack(running: readonly RunningService[], options: LaunchOptions): Promise<void> {
  const timeout = options.readyTimeoutMs ?? readPositiveInt(options.env, 'READY_TIMEOUT_MS', DEFAULT_READY_TIMEOUT_MS);
  try {
    await Promise.all(running.map((s) => waitUntilReady(s.service, s.url, s.child, timeout)));
  } catch (error) {
    await stopAll(running.map((s) => s.child));
    throw error;
  }
}
