import cluster from 'node:cluster';
import { runService } from '@bff/platform';
import { reportWorkerStarted, superviseWorkers } from '../../src/process/workers';

/**
 * The worker pool over workers that misbehave on purpose, with short timings, so a test can
 * watch the primary's supervision without starting a BFF per worker. `FIXTURE_WORKER`:
 * `crash` starts, then exits with code 3 shortly after; `hang` starts and ignores SIGTERM.
 */
if (cluster.isPrimary) {
  runService('pool', async (service) => {
    await superviseWorkers(service, { count: 2, stopGraceMs: 1_000, maxRestartsPerMinute: 3, restartDelayMs: 50, maxRestartDelayMs: 400 });
  });
} else {
  const behaviour = process.env.FIXTURE_WORKER;
  if (behaviour === 'hang') process.on('SIGTERM', () => console.log(`[pool#${cluster.worker!.id}] SIGTERM ignored`));
  setInterval(() => undefined, 60_000); // a worker that would serve stays alive
  reportWorkerStarted();
  if (behaviour === 'crash') setTimeout(() => process.exit(3), 300);
}
