import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { clientFiles } from '@bff/formats';
import { REPO_ROOT, type Database } from '@bff/platform';
import { disposeTestDatabase, openTestDatabase } from '@bff/platform/testing';
import { startTestRegistry } from '../../registry/testing';
import { CLIENTS, ROVER_CONFIG } from '../clients';
import { loadSubgraphSources } from '../compose';
import { readRoverConfig } from '../rover-config';
import { BaselineError, defaultGitBase, gitBaseline, registryBaseline } from './baseline';
import { runChecks } from './run-checks';

const CATALOG = 'subgraphs/catalog/schema.graphql';
const THUMBNAIL = /  "Square thumbnail URL[^\n]*\n  thumbnailUrl[^\n]*\n[^\n]*\n[^\n]*\n/;
const ANCHOR = '  "When the product was first listed."';

/** The files a client's schema is composed from, at their repository paths. */
function schemaInputs(): string[] {
  const subgraphs = readRoverConfig(ROVER_CONFIG).subgraphs.map((s) => relative(REPO_ROOT, s.schemaFile));
  const clients = CLIENTS.flatMap((c) => [relative(REPO_ROOT, c.experienceSchemaFile), relative(REPO_ROOT, clientFiles(c.policy.name).policyFile)]);
  return ['rover.yaml', ...subgraphs, ...clients];
}

/**
 * The check in a git flow: a repository holding this project's schema inputs, commits that
 * change the catalog, and `schema:check`'s default baseline (the commit before on main, the
 * merge-base on a branch). The registered operations are this repository's: mobile release
 * 1.0.0's ProductDetail reads `Product.thumbnailUrl`.
 */
describe('schema:check against a git baseline', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const catalog = () => readFileSync(join(repo, CATALOG), 'utf8');
  const commit = (message: string, sdl: string) => {
    writeFileSync(join(repo, CATALOG), sdl);
    git('commit', '-q', '-am', message);
  };
  const check = () => {
    const domain = loadSubgraphSources(readRoverConfig(join(repo, 'rover.yaml')).subgraphs);
    return runChecks({ domain, baseline: gitBaseline(defaultGitBase(repo), CLIENTS, repo) });
  };
  const mobile = (report: ReturnType<typeof runChecks>) => report.clients.find((c) => c.client === 'mobile')!;

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'schema-check-git-'));
    for (const path of schemaInputs()) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      copyFileSync(join(REPO_ROOT, path), join(repo, path));
    }
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'ci@example.com');
    git('config', 'user.name', 'CI');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  test('a commit on main that removes a field release 1.0.0 uses fails against the commit before it', () => {
    commit('remove Product.thumbnailUrl', catalog().replace(THUMBNAIL, ''));
    expect(defaultGitBase(repo)).toBe('HEAD~1');
    const report = check();
    expect(report.baseline).toMatch(/^git HEAD~1 \([0-9a-f]{12}\)$/);
    expect(report.outcome).toBe('failed');
    expect(mobile(report).changes).toContainEqual(expect.objectContaining({ severity: 'breaking', description: expect.stringContaining('thumbnailUrl') }));
    expect(mobile(report).summary).toContain('operation ProductDetail (app version(s) 1.0.0) breaks on Product.thumbnailUrl');
  });

  test('a commit that adds an optional field passes, and the baseline sees it as an addition', () => {
    commit('add Product.brand', catalog().replace(ANCHOR, `  "Brand name."\n  brand: String\n${ANCHOR}`));
    const report = check();
    expect(report.outcome).toBe('passed');
    expect(mobile(report).changes).toEqual([expect.objectContaining({ severity: 'safe', code: 'FIELD_ADDED', description: expect.stringContaining('brand') })]);
  });

  test('on a branch, the baseline is where it left main, however many commits it has', () => {
    git('checkout', '-q', '-b', 'feature');
    commit('add Product.brand', catalog().replace(ANCHOR, `  "Brand name."\n  brand: String\n${ANCHOR}`));
    commit('remove Product.thumbnailUrl', catalog().replace(THUMBNAIL, ''));
    expect(defaultGitBase(repo)).toBe(git('rev-parse', 'main'));
    const report = check();
    expect(report.outcome).toBe('failed');
    // Against main both commits show: the addition and the removal.
    expect(mobile(report).changes.map((c) => c.severity).sort()).toEqual(['breaking', 'safe']);
  });

  test('a ref that is not there stops the check instead of passing it', () => {
    expect(() => gitBaseline('no-such-ref', CLIENTS, repo)).toThrow(BaselineError);
    // A single commit has no HEAD~1: a shallow clone must say so, not compare the tree with itself.
    expect(() => gitBaseline(defaultGitBase(repo), CLIENTS, repo)).toThrow(/HEAD~1/);
  });
});

describe('schema:check against the registry', () => {
  let db: Database;
  let registry: Awaited<ReturnType<typeof startTestRegistry>>;
  beforeAll(async () => {
    db = await openTestDatabase('baseline_registry', 'pglite');
    registry = await startTestRegistry(db);
  });
  afterAll(async () => {
    await registry?.server.close();
    if (db) await disposeTestDatabase(db);
  });

  test("removing a field release 1.0.0 uses fails against the registry's published schemas", async () => {
    const baseline = await registryBaseline(registry.url, CLIENTS);
    expect(baseline.description).toBe(`registry ${registry.url}`);
    const withoutThumbnail = readFileSync(join(REPO_ROOT, CATALOG), 'utf8').replace(THUMBNAIL, '');
    const report = runChecks({ proposed: { catalog: withoutThumbnail }, baseline });
    expect(report.outcome).toBe('failed');
    const mobile = report.clients.find((c) => c.client === 'mobile')!;
    expect(mobile.changes).toContainEqual(expect.objectContaining({ severity: 'breaking', description: expect.stringContaining('thumbnailUrl') }));
    expect(mobile.summary).toContain('operation ProductDetail (app version(s) 1.0.0) breaks on Product.thumbnailUrl');
  });

  test('a registry that cannot be reached stops the check', async () => {
    await expect(registryBaseline('http://127.0.0.1:1', CLIENTS)).rejects.toThrow(BaselineError);
  });
});
