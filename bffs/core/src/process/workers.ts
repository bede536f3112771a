import cluster, { type Worker } from 'node:cluster';
import type { StartingService } from '@bff/platform';

/**
 * `WORKERS=N`: N processes of one BFF on one port (node:cluster), so a BFF can use every
 * core of its machine. The primary forks the workers and supervises them; it never serves
 * a request itself. Each worker is an ordinary BFF process (its own gateway, caches and
 * graceful shutdown); only the listening socket is shared.
 *
 * Node's default round-robin scheduling is kept (the primary accepts and hands each
 * connection to the next worker): the kernel's own spreading is uneven across busy
 * processes. Its one cost: a connection being handed to a worker at the moment that worker
 * dies is never answered, so clients and load balancers need their usual timeouts; requests
 * already in that worker fail with it, as they would with a single process.
 */

/** How `superviseWorkers` runs the pool; the defaults are what a BFF process uses. */
export interface WorkerPoolOptions {
  count: number;
  /**
   * How long a stopping worker may drain before it is killed. A worker's own drain gives
   * in-flight requests up to 10 s; the launcher of `npm start` kills at 15 s.
   * @default 12000
   */
  stopGraceMs?: number;
  /**
   * Restarts allowed within any minute. One more means the workers crash faster than they
   * serve: the primary stops all of them and exits 1, so the supervisor above it
   * (Kubernetes, systemd, `npm start`) sees a failed process rather than a quiet loop.
   * @default max(10, 2 × count)
   */
  maxRestartsPerMinute?: number;
  /** Wait before the first restart; it doubles with each restart in the last minute. @default 200 */
  restartDelayMs?: number;
  /** @default 5000 */
  maxRestartDelayMs?: number;
}

/** The message a worker sends once its start-up is done (see `reportWorkerStarted`). */
const STARTED = 'bff-worker-started';
const MINUTE_MS = 60_000;

/** The cluster worker id of this process, if it is a worker (names its log lines). */
export function clusterWorkerId(): number | undefined {
  return cluster.isWorker ? cluster.worker?.id : undefined;
}

/** Whether this process should fork workers rather than serve. */
export function shouldForkWorkers(count: number): boolean {
  return count > 1 && cluster.isPrimary;
}

/**
 * Called by a worker at the end of its start-up. Listening alone is not "ready": a BFF in
 * registry mode still asks the registry for its supergraph after it listens.
 */
export function reportWorkerStarted(): void {
  if (cluster.isWorker) process.send?.({ type: STARTED });
}

const describeExit = (code: number | null, signal: string | null) => (signal ? `signal ${signal}` : `code ${code}`);

/**
 * The primary's start-up: forks `count` workers and resolves with the URL they serve once
 * every one has started (undefined if a stop was asked for meanwhile). A worker that exits
 * before it has ever started fails the whole process with the worker's exit code: its
 * error (a bad supergraph, a port in use) would hit every restart too. After start-up a
 * worker that exits is replaced. The stop step registered here SIGTERMs every worker, so
 * each drains as a single BFF process does, and SIGKILLs any that outstays the grace.
 */
export async function superviseWorkers(service: StartingService, options: WorkerPoolOptions): Promise<string | undefined> {
  const count = options.count;
  const stopGraceMs = options.stopGraceMs ?? 12_000;
  const maxRestarts = options.maxRestartsPerMinute ?? Math.max(10, 2 * count);
  const baseDelayMs = options.restartDelayMs ?? 200;
  const maxDelayMs = options.maxRestartDelayMs ?? 5_000;

  const live = new Map<number, Worker>();
  const started = new Set<number>();
  const restartTimes: number[] = [];
  const pendingRestarts = new Set<NodeJS.Timeout>();
  let startingUp = true;
  let stopping = false;
  let url: string | undefined;
  /** Set during start-up: a worker that exits before it has started ends the start-up. */
  let onEarlyExit: ((worker: Worker, code: number | null, signal: string | null) => void) | undefined;
  let onStarted: (() => void) | undefined;

  const serving = () => `${started.size} of ${count} workers serving`;

  const fork = (replacing?: number): Worker => {
    const worker = cluster.fork();
    live.set(worker.id, worker);
    worker.on('listening', (address) => {
      if (url) return;
      const host = address.addressType === 6 ? `[${address.address}]` : (address.address ?? '127.0.0.1');
      url = `http://${host}:${address.port}`;
    });
    worker.on('message', (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== STARTED || started.has(worker.id)) return;
      started.add(worker.id);
      if (replacing !== undefined) service.log(`worker #${worker.id} (pid ${worker.process.pid}) replaced #${replacing}; ${serving()}`);
      onStarted?.();
    });
    // A failed signal or IPC send is reported here; unhandled, it would crash the primary.
    worker.on('error', (error) => service.log(`worker #${worker.id}: ${error.message}`));
    worker.on('exit', (code, signal) => {
      live.delete(worker.id);
      const hadStarted = started.delete(worker.id);
      if (stopping) return;
      if (!hadStarted && startingUp) return onEarlyExit?.(worker, code, signal);
      service.log(`worker #${worker.id} (pid ${worker.process.pid}) exited unexpectedly (${describeExit(code, signal)}); ${serving()}`);
      scheduleRestart(worker.id);
    });
    return worker;
  };

  const scheduleRestart = (replacing: number) => {
    const now = Date.now();
    while (restartTimes.length > 0 && restartTimes[0]! <= now - MINUTE_MS) restartTimes.shift();
    if (restartTimes.length >= maxRestarts) {
      void service.fail(`${restartTimes.length} worker restarts within a minute (at most ${maxRestarts}): giving up, stopping every worker`, 1);
      return;
    }
    // Back off so a worker that dies at once does not spin a core on forks.
    const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** restartTimes.length);
    restartTimes.push(now);
    service.log(`restarting a worker in ${delayMs} ms (${restartTimes.length} restart(s) in the last minute, at most ${maxRestarts})`);
    const timer = setTimeout(() => {
      pendingRestarts.delete(timer);
      if (!stopping) fork(replacing);
    }, delayMs);
    pendingRestarts.add(timer);
  };

  const stopWorkers = async () => {
    stopping = true;
    for (const timer of pendingRestarts) clearTimeout(timer);
    pendingRestarts.clear();
    if (live.size === 0) return;
    service.log(`stopping ${live.size} worker(s)`);
    await Promise.all(
      [...live.values()].map(
        (worker) =>
          new Promise<void>((resolveStop) => {
            if (worker.isDead()) return resolveStop();
            const killer = setTimeout(() => {
              service.log(`worker #${worker.id} (pid ${worker.process.pid}) did not stop within ${stopGraceMs} ms; killing it`);
              worker.process.kill('SIGKILL');
            }, stopGraceMs);
            worker.once('exit', () => {
              clearTimeout(killer);
              resolveStop();
            });
            // A signal, not worker.disconnect(): the worker runs the same graceful stop as a lone BFF process.
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    service.log('all workers stopped');
  };
  // Registered before the first fork, so a failed start-up stops the workers already forked.
  service.onStop(stopWorkers);

  service.log(`starting ${count} workers (node:cluster, primary pid ${process.pid})`);
  const outcome = await new Promise<{ failed?: string; code?: number }>((resolveStart) => {
    const finish = (result: { failed?: string; code?: number }) => {
      clearInterval(poll);
      resolveStart(result);
    };
    // runService holds a stop back until start-up returns; do not keep waiting for workers then.
    const poll = setInterval(() => {
      if (service.stopRequested()) finish({});
    }, 100);
    onStarted = () => {
      if (started.size === count) finish({});
    };
    onEarlyExit = (worker, code, signal) => {
      // A stop that reached the workers too (Ctrl-C signals the whole process group) is no failure.
      if (service.stopRequested()) return finish({});
      finish({ failed: `worker #${worker.id} exited (${describeExit(code, signal)}) before it was serving`, code: code || 1 });
    };
    for (let i = 0; i < count; i += 1) fork();
  });
  startingUp = false;
  onStarted = undefined;
  onEarlyExit = undefined;
  if (outcome.failed) return service.fail(`${outcome.failed}; stopping`, outcome.code ?? 1);
  if (service.stopRequested()) return undefined;
  service.log(`${serving()}; pids ${[...live.values()].map((w) => w.process.pid).join(', ')}`);
  return url;
}
