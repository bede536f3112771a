import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { REPO_ROOT } from '../paths';
import { resolve } from 'node:path';

export interface TestProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves when `pattern` appears in the output; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/** Runs a TypeScript entry point (relative to the repo root) the way `npm start` does. */
export function startTsProcess(entry: string, env: Record<string, string | undefined>, args: readonly string[] = []): TestProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, entry), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | string>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit(signal ?? code ?? -1)),
  );
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise((resolveWait, reject) => {
        const started = Date.now();
        const check = () => {
          if (pattern.test(output)) return resolveWait();
          if (child.exitCode !== null || child.signalCode !== null) {
            return reject(new Error(`process exited before printing ${pattern}:\n${output}`));
          }
          if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${pattern}:\n${output}`));
          setTimeout(check, 100);
        };
        check();
      }),
  };
}

/**
 * Live processes whose environment contains `NAME=value` (Linux /proc). `nodeOnly` leaves
 * out helpers such as the esbuild service process that tsx starts next to each Node process.
 */
export function pidsWithEnv(name: string, value: string, nodeOnly = false): number[] {
  const needle = `${name}=${value}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] ?? '';
      if (nodeOnly && command !== process.execPath && !command.endsWith('/node')) continue;
      if (environ.includes(needle) && !/^State:\s+Z/m.test(status)) pids.push(Number(entry));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return pids;
}
