import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { REPO_ROOT, freePort } from '@bff/platform';
import { pidsWithEnv, startTsProcess, type TestProcess } from '@bff/platform/testing';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startTestStack, type TestStack } from './support/test-stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Marks every process a test starts (workers inherit it), so /proc can find them all. */
const MARKER = 'BFF_WORKERS_E2E';

/**
 * No process with the marker is left. Node processes are checked at once by the callers
 * (the primary waits for its workers); tsx's esbuild helper may take a moment to notice
 * its parent is gone.
 */
async function noneLeft(marker: string): Promise<void> {
  await eventually(() => pidsWithEnv(MARKER, marker).length === 0, 10_000).catch(() => undefined);
  expect(pidsWithEnv(MARKER, marker)).toEqual([]);
}

/** Every marker handed out, so that whatever a failed test left running is killed at the end. */
const markers: string[] = [];
function newMarker(): string {
  const marker = randomBytes(6).toString('hex');
  markers.push(marker);
  return marker;
}
afterAll(() => {
  for (const pid of markers.flatMap((marker) => pidsWithEnv(MARKER, marker))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});

const parentPid = (pid: number) => Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

/** Polls until `check` holds (or throws its last failure after `timeoutMs`). */
async function eventually<T>(check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Which process holds the server side of each established connection to `port`: the
 * sockets in /proc/net/tcp{,6} whose local port is `port`, matched by inode against the
 * file descriptors of `pids`. Counts per pid.
 */
function connectionOwners(port: number, pids: readonly number[]): Map<number, number> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length < 10) continue;
      const localPort = parseInt(columns[1]!.split(':').at(-1)!, 16);
      if (localPort === port && columns[3] === '01') inodes.add(columns[9]!);
    }
  }
  const owners = new Map<number, number>();
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode && inodes.has(inode)) owners.set(pid, (owners.get(pid) ?? 0) + 1);
    }
  }
  return owners;
}

interface Answer {
  status: number;
  body: any;
}

/** A POST over node:http; `agent: false` is a fresh connection, closed after the answer. */
function post(port: number, body: unknown, agent: Agent | false, timeoutMs = 15_000): Promise<Answer> {
  return new Promise((resolveAnswer, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      { host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, timeout: timeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            resolveAnswer({ status: res.statusCode!, body: JSON.parse(text) });
          } catch {
            resolveAnswer({ status: res.statusCode!, body: text });
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const PRODUCTS = { query: /* GraphQL */ `{ products(first: 2) { nodes { name } } }` };
/** Distinct per `first`, so no two of them share one (deduplicated) subgraph fetch. */
const ratings = (first: number) => ({ query: /* GraphQL */ `{ products(first: ${first}) { nodes { name ratingSummary { count } } } }` });
const succeeded = (answer: Answer) => answer.status === 200 && !answer.body.errors && answer.body.data?.products?.nodes?.length === 2;

/**
 * `WORKERS=2` on the web BFF's own entry point, over the test stack's subgraphs (reviews
 * behind a fault proxy, so requests can be held in flight). The worker that serves a
 * connection is read from /proc (which process holds the server side of the socket), so
 * responses stay as they are.
 */
describe('WORKERS=2: one BFF port served by two worker processes', () => {
  const marker = newMarker();
  let stack: TestStack;
  let reviews: FaultProxy;
  let bff: TestProcess;
  let port: number;
  let primary: number;
  /** Lines as they arrive, with the time they arrived. */
  const lines: { at: number; text: string }[] = [];

  const workers = () => pidsWithEnv(MARKER, marker, true).filter((pid) => pid !== primary);

  beforeAll(async () => {
    stack = await startTestStack();
    reviews = await startFaultProxy(stack.subgraphUrls.reviews!);
    port = await freePort();
    const routing = Object.fromEntries(
      Object.entries({ ...stack.subgraphUrls, reviews: reviews.url }).map(([name, url]) => [`SUBGRAPH_URL_${name.toUpperCase()}`, url]),
    );
    bff = startTsProcess('bffs/web/src/index.ts', { WORKERS: '2', PORT: String(port), RATE_LIMITS: 'off', RESPONSE_CACHE: 'off', [MARKER]: marker, ...routing });
    let pending = '';
    bff.child.stdout!.on('data', (chunk: string) => {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop()!;
      lines.push(...parts.map((text) => ({ at: Date.now(), text })));
    });
    await bff.waitFor(/2 workers ready at/);
    primary = bff.child.pid!;
  });

  afterAll(async () => {
    if (bff && bff.child.exitCode === null && bff.child.signalCode === null) {
      bff.child.kill('SIGKILL');
      await bff.exited;
    }
    await reviews?.stop();
    await stack?.stop();
  });

  test('the primary forks two workers and serves nothing itself; both workers answer on the one port', async () => {
    expect(bff.output()).toMatch(/\[web-bff\] starting 2 workers/);
    expect(bff.output()).toMatch(/\[web-bff\] 2 of 2 workers serving/);
    // The web BFF does APQ; in memory it would be per worker, and the primary says so.
    expect(bff.output()).toMatch(/\[web-bff\] warning: 2 workers without REDIS_URL: automatic persisted queries are kept per worker/);
    const pids = workers();
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(parentPid(pid)).toBe(primary);

    // Sixteen connections at once, kept open after their answer, so /proc shows who holds each.
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    try {
      const answers = await Promise.all(Array.from({ length: 16 }, () => post(port, PRODUCTS, agent)));
      expect(answers.filter(succeeded)).toHaveLength(16);
      const owners = connectionOwners(port, [primary, ...pids]);
      expect(owners.get(primary)).toBeUndefined();
      expect([...owners.keys()].sort()).toEqual([...pids].sort());
      expect([...owners.values()].reduce((a, b) => a + b, 0)).toBe(16);
    } finally {
      agent.destroy();
    }
  });

  test('a worker killed with SIGKILL is replaced, and requests keep succeeding meanwhile', async () => {
    const [victim, survivor] = workers();
    const samples: { sent: number; answered: number; ok: boolean; detail?: string }[] = [];
    let running = true;
    // Four clients, each request on a fresh connection (a kept-alive socket to the killed worker would just die with it).
    const client = async () => {
      while (running) {
        const sent = Date.now();
        try {
          const answer = await post(port, PRODUCTS, false, 10_000);
          samples.push({ sent, answered: Date.now(), ok: succeeded(answer), detail: succeeded(answer) ? undefined : JSON.stringify(answer).slice(0, 200) });
        } catch (error) {
          samples.push({ sent, answered: Date.now(), ok: false, detail: String(error) });
        }
      }
    };
    const clients = Array.from({ length: 4 }, () => client());
    let noticed: { at: number; text: string };
    let replaced: { at: number; text: string };
    let killedAt: number;
    try {
      await sleep(500);
      killedAt = Date.now();
      process.kill(victim!, 'SIGKILL');
      noticed = await eventually(() => lines.find((l) => l.at >= killedAt && /\[web-bff\] worker #\d+ \(pid \d+\) exited unexpectedly \(signal SIGKILL\); 1 of 2 workers serving/.test(l.text)));
      replaced = await eventually(() => lines.find((l) => l.at >= killedAt && /\[web-bff\] worker #\d+ \(pid \d+\) replaced #\d+; 2 of 2 workers serving/.test(l.text)), 60_000);
      await sleep(1_000);
    } finally {
      running = false; // the load stops whatever failed above
      await Promise.all(clients);
    }

    const failed = samples.filter((s) => !s.ok);
    console.log(
      `worker killed under load: ${samples.length} requests, ${failed.length} failed (${failed.map((f) => f.detail).join('; ')}), ` +
        `primary noticed after ${noticed!.at - killedAt!} ms, replacement serving after ${replaced!.at - killedAt!} ms`,
    );
    const now = workers();
    expect(now).toHaveLength(2);
    expect(now).toContain(survivor);
    expect(now).not.toContain(victim);
    const replacement = now.find((pid) => pid !== survivor)!;
    expect(parentPid(replacement)).toBe(primary);
    expect(bff.output()).toMatch(/restarting a worker in \d+ ms \(1 restart\(s\) in the last minute/);

    // Only a request that was already with the killed worker may fail; none sent after the primary noticed.
    expect(failed.filter((s) => s.sent >= noticed.at)).toEqual([]);
    // Each of the four clients loses at most the request it had with the worker, and rarely one more in the moment before the primary knew.
    expect(failed.length).toBeLessThanOrEqual(8);
    // The survivor served alone until the replacement was in, then both did.
    expect(samples.filter((s) => s.ok && s.sent > noticed.at && s.answered < replaced.at).length).toBeGreaterThan(5);
    expect(samples.filter((s) => s.ok && s.sent > replaced.at).length).toBeGreaterThan(5);

    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    try {
      expect((await Promise.all(Array.from({ length: 16 }, () => post(port, PRODUCTS, agent)))).filter(succeeded)).toHaveLength(16);
      expect([...connectionOwners(port, [primary, ...now]).keys()].sort()).toEqual([...now].sort());
    } finally {
      agent.destroy();
    }
  });

  test('SIGTERM to the primary: every worker drains its requests in flight, then no process is left', async () => {
    const live = workers();
    expect(live).toHaveLength(2);
    // Requests held at the (slow) reviews subgraph, on both workers, when the stop comes.
    reviews.mode = 'slow';
    reviews.delayMs = 1_500;
    const before = reviews.requests();
    const inFlight = Array.from({ length: 6 }, (_, i) => post(port, ratings(i + 1), false));
    await eventually(() => reviews.requests() - before >= 6, 10_000);

    bff.child.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.products.nodes[0].ratingSummary.count).toEqual(expect.any(Number));
    }
    expect(await bff.exited).toBe(0);
    expect(pidsWithEnv(MARKER, marker, true)).toEqual([]);
    await noneLeft(marker);
    const output = bff.output();
    expect(output).toMatch(/\[web-bff\] SIGTERM: stopping/);
    expect(output).toMatch(/\[web-bff\] stopping 2 worker\(s\)/);
    expect(output.match(/\[web-bff#\d+\] SIGTERM: stopping/g)).toHaveLength(2);
    expect(output).toMatch(/\[web-bff\] all workers stopped/);
  });
});

describe('WORKERS: start-up failures end the whole process', () => {
  test('a bad WORKERS value is one configuration line and exit code 2, before anything is forked', async () => {
    const marker = newMarker();
    const bad = startTsProcess('bffs/web/src/index.ts', { WORKERS: 'two', PORT: String(await freePort()), [MARKER]: marker });
    expect(await bad.exited).toBe(2);
    expect(bad.output().trim()).toBe('[web-bff] configuration error: WORKERS must be a positive integer or "auto" (one per CPU), got "two"');
  });

  test('a worker that cannot start (unreadable supergraph) fails the primary with its exit code; no worker is left', async () => {
    const marker = newMarker();
    const bad = startTsProcess('bffs/web/src/index.ts', { WORKERS: '2', PORT: String(await freePort()), SUPERGRAPH_FILE: '/nonexistent/supergraph.graphql', [MARKER]: marker });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/\[web-bff#\d\] cannot read the supergraph \/nonexistent\/supergraph.graphql/);
    expect(bad.output()).toMatch(/\[web-bff\] worker #\d exited \(code 2\) before it was serving; stopping/);
    expect(pidsWithEnv(MARKER, marker, true)).toEqual([]);
    await noneLeft(marker);
  });
});

/** The supervision itself, over fixture workers that misbehave (short timings, no BFF per worker). */
describe('the worker pool with misbehaving workers', () => {
  const fixture = 'bffs/core/test/support/worker-pool-fixture.ts';

  test('workers that keep crashing are restarted with growing back-off up to the cap, then the primary gives up with exit 1', async () => {
    const marker = newMarker();
    const pool = startTsProcess(fixture, { FIXTURE_WORKER: 'crash', [MARKER]: marker });
    expect(await pool.exited).toBe(1);
    const output = pool.output();
    expect(output.match(/exited unexpectedly \(code 3\)/g)!.length).toBeGreaterThanOrEqual(4);
    const delays = [...output.matchAll(/restarting a worker in (\d+) ms \((\d) restart/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(delays).toEqual([
      [50, 1],
      [100, 2],
      [200, 3],
    ]);
    expect(output).toMatch(/\[pool\] 3 worker restarts within a minute \(at most 3\): giving up, stopping every worker/);
    expect(pidsWithEnv(MARKER, marker, true)).toEqual([]);
    await noneLeft(marker);
  });

  test('the launcher going away stops the workers; one that ignores SIGTERM is killed after the grace period', async () => {
    const marker = newMarker();
    // As `npm start` spawns a service: with an IPC channel, whose closing means "the launcher is gone".
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, fixture)], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: '', FIXTURE_WORKER: 'hang', [MARKER]: marker },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | string>((r) => child.once('exit', (code, signal) => r(signal ?? code ?? -1)));
    await eventually(() => /2 of 2 workers serving/.test(output), 30_000);
    expect(pidsWithEnv(MARKER, marker, true)).toHaveLength(3);

    child.disconnect();
    expect(await exited).toBe(0);
    expect(output).toMatch(/\[pool\] launcher gone: stopping/);
    expect(output.match(/SIGTERM ignored/g)).toHaveLength(2);
    expect(output.match(/did not stop within 1000 ms; killing it/g)).toHaveLength(2);
    expect(pidsWithEnv(MARKER, marker, true)).toEqual([]);
    await noneLeft(marker);
  });

  test('a primary killed with SIGKILL leaves no worker behind: each sees its channel close and exits', async () => {
    const marker = newMarker();
    const pool = startTsProcess(fixture, { FIXTURE_WORKER: 'hang', [MARKER]: marker });
    await pool.waitFor(/2 of 2 workers serving/, 30_000);
    expect(pidsWithEnv(MARKER, marker, true)).toHaveLength(3);
    pool.child.kill('SIGKILL');
    await pool.exited;
    await noneLeft(marker);
  });
});
