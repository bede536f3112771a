import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { processIsAlive } from '../process/process-is-alive';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

const LOCK_FILE = 'subgraph.lock';


/**
 * PGlite is one process's database: two processes opening the same directory would each
 * write their own view and lose the other's rows. The first process takes this lock; a
 * second one stops with a clear message. A lock left by a crashed process (its pid is
 * gone) is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processIsAlive(holder)) {
        throw new DataDirInUseError(
          `data directory ${dataDir} is in use by process ${holder}; stop it first, or give this process its own DATA_DIR`,
        );
      }
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new DataDirInUseError(`could not lock data directory ${dataDir}`);
}
