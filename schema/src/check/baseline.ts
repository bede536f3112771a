import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { clientFiles, parseClientPolicy } from '@bff/formats';
import { REPO_ROOT } from '@bff/platform';
import { composeClient, type ClientSchemaSource } from '../clients';
import { loadSubgraphSources } from '../compose';
import { readRoverConfig } from '../rover-config';

/** The baseline cannot be read: the check cannot run (exit 2), it must not pass against nothing. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

/**
 * What a proposal is checked against: each client's API schema as deployed. Never the
 * working tree's own checked-in artifacts, which a change regenerates along with itself.
 */
export interface Baseline {
  /** For the report, e.g. `git main (3f2a9c1)` or `registry http://127.0.0.1:4110`. */
  description: string;
  /** A client's API schema at the baseline; undefined when the client did not exist there. */
  apiSchema(client: string): string | undefined;
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function gitOrUndefined(root: string, args: string[]): string | undefined {
  try {
    return git(root, args);
  } catch {
    return undefined;
  }
}

/**
 * The commit a change is compared with when no `--base` is given: where this branch left
 * `main`, or, on `main` itself (or when that is HEAD, as in a CI checkout of main), the
 * commit before HEAD. Never HEAD itself: that would check a change against itself.
 */
export function defaultGitBase(root = REPO_ROOT): string {
  const mergeBase = gitOrUndefined(root, ['merge-base', 'HEAD', 'main']);
  const head = gitOrUndefined(root, ['rev-parse', 'HEAD']);
  if (mergeBase && mergeBase !== head) return mergeBase;
  return 'HEAD~1';
}

/**
 * Each client's API schema at a git commit: that commit's rover.yaml and subgraph SDLs,
 * and each client's experience schema and contract as they were then, composed the way
 * `npm run schema:compose` composes today's.
 */
export function gitBaseline(ref: string, clients: readonly ClientSchemaSource[], root = REPO_ROOT): Baseline {
  const commit = gitOrUndefined(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit) {
    throw new BaselineError(`git ref "${ref}" is not a commit in ${root} (a shallow clone? fetch more history, or pass --base <ref>)`);
  }
  const show = (path: string) => gitOrUndefined(root, ['show', `${commit}:${path}`]);
  const work = mkdtempSync(join(tmpdir(), 'schema-baseline-'));
  try {
    // The commit's files, at their repository paths, in a directory of their own.
    const materialize = (path: string): string | undefined => {
      const content = show(path);
      if (content === undefined) return undefined;
      const file = join(work, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${content}\n`);
      return file;
    };
    const roverFile = materialize('rover.yaml');
    if (!roverFile) throw new BaselineError(`rover.yaml does not exist at ${ref}`);
    const rover = readRoverConfig(roverFile);
    for (const subgraph of rover.subgraphs) {
      const path = relative(work, subgraph.schemaFile);
      if (!materialize(path)) throw new BaselineError(`${path} (subgraph ${subgraph.name}) does not exist at ${ref}`);
    }
    const domain = loadSubgraphSources(rover.subgraphs);
    const schemas = new Map<string, string>();
    for (const client of clients) {
      const name = client.policy.name;
      const files = clientFiles(name);
      const experienceSchemaFile = materialize(relative(REPO_ROOT, files.experienceSchemaFile));
      if (!experienceSchemaFile) continue; // a client that is new since the baseline
      const policyText = show(relative(REPO_ROOT, files.policyFile));
      // Before policies were files, the contract was the same as today's: use today's.
      const policy = policyText === undefined ? client.policy : parseClientPolicy(policyText, `${ref}:${relative(REPO_ROOT, files.policyFile)}`);
      const composed = composeClient({ policy, experienceSchemaFile }, domain);
      if (!composed.ok) throw new BaselineError(`the ${name} supergraph does not compose at ${ref}: ${composed.errors.map((e) => e.message).join('; ')}`);
      schemas.set(name, composed.apiSchemaSdl);
    }
    const named = ref === commit ? commit.slice(0, 12) : `${ref} (${commit.slice(0, 12)})`;
    return { description: `git ${named}`, apiSchema: (client) => schemas.get(client) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Each client's API schema as the registry at `url` has it published now: what the BFFs in registry mode serve. */
export async function registryBaseline(url: string, clients: readonly ClientSchemaSource[]): Promise<Baseline> {
  const base = url.replace(/\/+$/, '');
  const schemas = new Map<string, string>();
  for (const client of clients) {
    const name = client.policy.name;
    let response: Response;
    try {
      response = await fetch(`${base}/clients/${name}/api-schema`, { signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      throw new BaselineError(`the registry at ${base} cannot be reached: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`);
    }
    if (response.status === 404) continue; // not published there yet
    if (!response.ok) throw new BaselineError(`the registry at ${base} answered ${response.status} for ${name}'s API schema`);
    schemas.set(name, await response.text());
  }
  return { description: `registry ${base}`, apiSchema: (client) => schemas.get(client) };
}
