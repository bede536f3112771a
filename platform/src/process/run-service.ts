import { inspect } from 'node:util';

/** What a service's start-up function gets from `runService`. */
export interface StartingService {
  log(message: string): void;
  /** Registers a clean-up step; on stop they run in reverse order of registration. */
  onStop(step: () => Promise<void>): void;
  /** True once a stop was asked for; start-up should return at its next step. */
  stopRequested(): boolean;
  /** Logs `message` and exits with `code` after the clean-up steps registered so far. */
  fail(message: string, code: number): Promise<never>;
}

/**
 * The life cycle every service process shares: start-up, then serve until SIGTERM/SIGINT
 * or until the launcher that spawned it goes away (its IPC channel closes), then run the
 * clean-up steps (drain HTTP, close storage) and exit.
 *
 * Stop signals are handled from the first line. During start-up they are deferred: the
 * current step (say, a migration) finishes, start-up returns early, and the clean-up runs,
 * so a stop never leaves something half-written.
 */
export function runService(name: string, start: (service: StartingService) => Promise<void>): void {
  const log = (message: string) => console.log(`[${name}] ${message}`);
  const steps: (() => Promise<void>)[] = [];
  let starting = true;
  let requested: string | undefined;
  let stopping = false;

  const cleanUp = async () => {
    for (const step of steps.splice(0).reverse()) await step();
  };
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: stopping`);
    try {
      await cleanUp();
      process.exit(0);
    } catch (error) {
      console.error(`[${name}] error during shutdown:`, error);
      process.exit(1);
    }
  };
  const request = (reason: string) => {
    requested ??= reason;
    if (!starting) void stop(reason);
  };
  process.on('SIGTERM', () => request('SIGTERM'));
  process.on('SIGINT', () => request('SIGINT'));
  if (process.send) process.on('disconnect', () => request('launcher gone'));

  const fail = async (message: string, code: number): Promise<never> => {
    console.error(`[${name}] ${message}`);
    stopping = true;
    await cleanUp().catch(() => undefined);
    process.exit(code);
  };

  start({ log, onStop: (step) => steps.push(step), stopRequested: () => requested !== undefined, fail })
    .then(() => {
      starting = false;
      if (requested) void stop(requested);
    })
    .catch((error) => fail(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : inspect(error)}`, 1));
}
