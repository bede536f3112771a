import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, freePort } from '@bff/platform';
import { clientOperation } from '@bff/schema';
import { entryPath, portVariable, STACK, type StackService } from '../stack/stack';

/**
 * `npm run stack:memory`: how much memory the whole `npm start` stack holds after a modest
 * load, measured from outside (VmRSS in /proc), so it does not depend on any test or bench.
 *
 * It starts the stack exactly as `npm start` does (the same launcher, on free ports and a
 * throw-away `STACK_DATA_DIR`), sends a bounded mix of web and mobile requests through the
 * two BFFs, waits `--settle-ms`, then prints every service's RSS (VmRSS), PSS (shared
 * pages such as the node binary counted once across processes), peak (VmHWM) and the RSS of
 * its helper processes (tsx's esbuild service, when it runs), and the sums. By default it
 * runs twice on the same data directory: a first start (initdb and seed) and a restart.
 *
 *   npm run stack:memory -- [--requests 400] [--concurrency 8] [--runs 2] [--settle-ms 2000] [--data-dir DIR]
 */

interface ProcessMemory {
  pid: number;
  rssKiB: number;
  /** Proportional set size: pages shared with other processes (the node binary) counted in shares. */
  pssKiB: number;
  peakKiB: number;
  helpersKiB: number;
}

interface RunResult {
  label: string;
  readySeconds: number;
  requests: number;
  failures: number;
  /** Checkouts answered OUT_OF_STOCK (the seeded stock of some products is small). */
  declined: number;
  loadSeconds: number;
  services: { service: StackService; memory: ProcessMemory }[];
  launcherKiB: number;
}

const STATUS_FIELD = (name: string) => new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, 'm');

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = STATUS_FIELD(field).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function pssKiB(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Parent pid of every live process, from /proc/<pid>/stat (the command may contain spaces). */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      map.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone already.
    }
  }
  return map;
}

function childrenOf(pid: number, parentOf: Map<number, number>): number[] {
  return [...parentOf].filter(([, parent]) => parent === pid).map(([child]) => child);
}

function descendantsOf(pid: number, parentOf: Map<number, number>): number[] {
  const found: number[] = [];
  const queue = childrenOf(pid, parentOf);
  while (queue.length > 0) {
    const next = queue.shift()!;
    found.push(next);
    queue.push(...childrenOf(next, parentOf));
  }
  return found;
}

/** Each service's process: the launcher's child whose command line runs the service's entry point. */
function measureServices(launcher: ChildProcess): RunResult['services'] {
  const parentOf = parents();
  const children = childrenOf(launcher.pid!, parentOf).map((pid) => {
    try {
      return { pid, argv: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') };
    } catch {
      return { pid, argv: [] };
    }
  });
  return STACK.map((service) => {
    const child = children.find((c) => c.argv.includes(entryPath(service)));
    if (!child) throw new Error(`no process of ${service.name} under the launcher (pid ${launcher.pid})`);
    const helpersKiB = descendantsOf(child.pid, parentOf).reduce((sum, pid) => sum + statusKiB(pid, 'VmRSS'), 0);
    return { service, memory: { pid: child.pid, rssKiB: statusKiB(child.pid, 'VmRSS'), pssKiB: pssKiB(child.pid), peakKiB: statusKiB(child.pid, 'VmHWM'), helpersKiB } };
  });
}

const operation = (client: 'web' | 'mobile', name: string) => clientOperation(client, name);

interface Request {
  url: string;
  body: unknown;
  token?: boolean;
}

/**
 * A bounded, deterministic mix: home pages and product pages on web, feed pages, product
 * screens, the signed-in user's orders and a few checkouts on mobile (free-text POSTs, as
 * development mode allows), spread over the 50 products of the first home page.
 */
async function runLoad(webUrl: string, mobileUrl: string, token: string | undefined, total: number, concurrency: number, runLabel: string) {
  const post = async (request: Request) => {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(request.token && token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(30_000),
    });
    const json = (await response.json()) as { data?: any; errors?: { message: string }[] };
    if (response.status !== 200 || json.errors?.length) throw new Error(`${response.status} ${JSON.stringify(json.errors ?? json).slice(0, 300)}`);
    return json.data;
  };
  const home = await post({ url: webUrl, body: { query: operation('web', 'HomePage'), variables: { first: 50 } } });
  const products = (home.products.nodes as { id: string; sku: string; inStock: boolean }[]).map((p) => ({ id: p.id, sku: p.sku, inStock: p.inStock }));
  if (products.length === 0) throw new Error('the home page lists no products');

  const requests: Request[] = [];
  for (let i = 0; requests.length < total; i++) {
    const product = products[i % products.length]!;
    const mix: Request[] = [
      { url: webUrl, body: { query: operation('web', 'ProductPage'), variables: { sku: product.sku } } },
      { url: webUrl, body: { query: operation('web', 'HomePage'), variables: { first: 20 } } },
      { url: mobileUrl, body: { query: operation('mobile', 'MobileFeed'), variables: { first: 20, dpr: 3 } } },
      { url: mobileUrl, body: { query: operation('mobile', 'ProductDetail'), variables: { id: product.id } } },
    ];
    if (token) {
      mix.push({ url: mobileUrl, body: { query: operation('mobile', 'MyOrders') }, token: true });
      // Checkouts only of what is in stock, so each one is expected to succeed.
      if (i % 10 === 0 && product.inStock) {
        const input = { idempotencyKey: `stack-memory-${runLabel}-${i}`, lines: [{ productId: product.id, quantity: 1 }] };
        mix.push({ url: mobileUrl, body: { query: operation('mobile', 'PlaceOrder'), variables: { input } }, token: true });
      }
    }
    requests.push(...mix);
  }
  requests.length = total;

  let next = 0;
  let failures = 0;
  let declined = 0;
  let firstFailure: string | undefined;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        try {
          await post(request);
        } catch (error) {
          // A checkout of the last unit someone else just bought is a correct answer, not a failure.
          if ((error as Error).message.includes('"code":"OUT_OF_STOCK"')) {
            declined++;
            continue;
          }
          failures++;
          firstFailure ??= (error as Error).message;
        }
      }
    }),
  );
  if (firstFailure) console.log(`  first failed request: ${firstFailure}`);
  return { failures, declined, seconds: (Date.now() - started) / 1000 };
}

async function runStack(label: string, dataDir: string, options: { requests: number; concurrency: number; settleMs: number }): Promise<RunResult> {
  // The defaults of `npm start`: embedded storage, in-memory shared state, development mode.
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: '', STACK_DATA_DIR: dataDir, NODE_ENV: 'development' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'DATA_DIR', 'HOST']) delete env[name];
  const ports = new Map<StackService, number>();
  for (const service of STACK) {
    const port = await freePort();
    ports.set(service, port);
    env[portVariable(service)] = String(port);
  }
  const launcher = spawn(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, 'tools/stack/start-stack.ts')], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  launcher.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  launcher.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolveExit) => launcher.once('exit', () => resolveExit()));
  try {
    await new Promise<void>((resolveReady, reject) => {
      const timer = setInterval(() => {
        if (output.includes('Press Ctrl-C to stop')) {
          clearInterval(timer);
          resolveReady();
        } else if (launcher.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`the stack exited before it was ready:\n${output}`));
        }
      }, 100);
    });
    const readySeconds = Number(/All services ready in ([\d.]+) s/.exec(output)?.[1] ?? NaN);
    const token = /A token for user[^\n]*\n\s+(\S+)/.exec(output)?.[1];
    const url = (name: string) => `http://127.0.0.1:${ports.get(STACK.find((s) => s.name === name)!)}/graphql`;
    const load = await runLoad(url('web-bff'), url('mobile-bff'), token, options.requests, options.concurrency, `${label.replace(/\W+/g, '-')}-${Date.now()}`);
    // Let in-flight work (response caches, deferred GC) settle, as it would between users.
    await new Promise((r) => setTimeout(r, options.settleMs));
    return {
      label,
      readySeconds,
      requests: options.requests,
      failures: load.failures,
      declined: load.declined,
      loadSeconds: load.seconds,
      services: measureServices(launcher),
      launcherKiB: statusKiB(launcher.pid!, 'VmRSS'),
    };
  } finally {
    launcher.kill('SIGTERM');
    await exited;
  }
}

const mib = (kib: number) => (kib / 1024).toFixed(0);

function printRun(run: RunResult): void {
  const rows = run.services.map(({ service, memory }) => [service.name, String(memory.pid), mib(memory.rssKiB), mib(memory.pssKiB), mib(memory.peakKiB), mib(memory.helpersKiB)]);
  const sum = (pick: (m: ProcessMemory) => number, kind?: StackService['kind']) =>
    run.services.filter((s) => !kind || s.service.kind === kind).reduce((total, s) => total + pick(s.memory), 0);
  const total = (kind?: StackService['kind']) => [
    mib(sum((m) => m.rssKiB, kind)),
    mib(sum((m) => m.pssKiB, kind)),
    mib(sum((m) => m.peakKiB, kind)),
    mib(sum((m) => m.helpersKiB, kind)),
  ];
  rows.push(['subgraphs (5)', '', ...total('subgraph')]);
  rows.push([`stack (${run.services.length} services)`, '', ...total()]);
  const header = ['process', 'pid', 'RSS MiB', 'PSS MiB', 'peak MiB', 'helpers MiB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const declined = run.declined ? ` (and ${run.declined} checkouts declined: out of stock)` : '';
  console.log(`\n${run.label}: all services ready in ${run.readySeconds.toFixed(1)} s; ${run.requests} requests in ${run.loadSeconds.toFixed(1)} s, ${run.failures} failed${declined}`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(`stack + helpers: ${mib(sum((m) => m.rssKiB + m.helpersKiB))} MiB; launcher (npm start itself): ${mib(run.launcherKiB)} MiB`);
  console.log('(RSS = VmRSS after the load; peak = VmHWM of the process itself; helpers = RSS of its child processes at that moment, e.g. tsx\'s esbuild service)');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '400' },
      concurrency: { type: 'string', default: '8' },
      runs: { type: 'string', default: '2' },
      'settle-ms': { type: 'string', default: '2000' },
      'data-dir': { type: 'string' },
    },
  });
  const integer = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} expects an integer of at least ${min}, got "${value}"`);
    return n;
  };
  const options = {
    requests: integer('requests', values.requests!, 1),
    concurrency: integer('concurrency', values.concurrency!, 1),
    settleMs: integer('settle-ms', values['settle-ms']!, 0),
  };
  const runs = integer('runs', values.runs!, 1);
  const ownDir = !values['data-dir'];
  const dataDir = values['data-dir'] ? resolve(values['data-dir']) : mkdtempSync(resolve(tmpdir(), 'stack-memory-'));
  console.log(`Stack data directory: ${dataDir}${ownDir ? ' (fresh, removed afterwards)' : ''}`);
  try {
    for (let i = 0; i < runs; i++) {
      const label = i === 0 ? (ownDir ? 'first start' : 'start') : `restart ${i}`;
      printRun(await runStack(label, dataDir, options));
    }
  } finally {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`stack:memory failed: ${(error as Error).message}`);
  process.exit(1);
});
