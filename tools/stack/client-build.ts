import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { clientFiles } from '@bff/formats';
import { REPO_ROOT } from '@bff/platform';

/** What a client's build is made from: its source (not what codegen writes into it), its configs and its API schema. */
function buildInputs(client: string): string[] {
  const files = clientFiles(client);
  const source = readdirSync(join(files.appDir, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((path) => !path.split(sep).includes('gql'))
    .map((path) => join(files.appDir, 'src', path));
  const configs = readdirSync(files.appDir).filter((name) => /^(index\.html|package\.json|tsconfig\.json|vite\.config\.ts|codegen\.ts|persisted-query-manifest\.config\.json)$/.test(name));
  return [...source, ...configs.map((name) => join(files.appDir, name)), files.apiSchemaFile].sort();
}

function inputsHash(client: string): string {
  const hash = createHash('sha256');
  for (const file of buildInputs(client)) {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      continue; // a directory
    }
    hash.update(relative(REPO_ROOT, file)).update('\0').update(content).update('\0');
  }
  return hash.digest('hex');
}

/** Written into `dist/` after a build: the hash of what it was built from. */
const STAMP = '.build-inputs';

/**
 * Builds a client app (`npm run build` in its workspace) unless its `dist/` was built from
 * exactly the current inputs; returns whether it built. By content, not by file times, so
 * a fresh clone or a branch switch never serves a build of other sources.
 */
export function ensureClientBuilt(client: string, log: (line: string) => void = console.log): boolean {
  const files = clientFiles(client);
  const stampFile = join(files.appDir, 'dist', STAMP);
  const wanted = inputsHash(client);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === wanted) return false;
  log(`Building ${client} (${relative(REPO_ROOT, files.appDir)}): its build is missing or older than its source…`);
  const result = spawnSync('npm', ['run', 'build', '--silent', '--workspace', relative(REPO_ROOT, files.appDir)], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (result.status !== 0) {
    throw new Error(`building ${client} failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
  writeFileSync(stampFile, wanted);
  return true;
}
