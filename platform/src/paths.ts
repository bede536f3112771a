import { resolve } from 'node:path';

/** The repository root, wherever the process was started from. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Default embedded-storage directory of one subgraph: `.data/<subgraph>` at the repo root. */
export function defaultDataDir(subgraph: string): string {
  return resolve(REPO_ROOT, '.data', subgraph);
}
