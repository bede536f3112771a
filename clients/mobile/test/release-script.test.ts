import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientFiles } from '@bff/formats';
import { REPO_ROOT, type Database } from '@bff/platform';
import { disposeTestDatabase, openTestDatabase } from '@bff/platform/testing';
import { startTestRegistry, TEST_REGISTRY_TOKEN } from '@bff/schema/registry/testing';

const { appDir, releasesDir } = clientFiles('mobile');
const appVersion = (JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { version: string }).version;

/** `npm run mobile:release -- <args>` as a release manager runs it; resolves with its exit code and output. */
function release(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(appDir, 'scripts', 'release.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: '', REGISTRY_URL: '', REGISTRY_TOKEN: '', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('exit', (code) => resolveRun({ code, output }));
  });
}

describe('npm run mobile:release', () => {
  let db: Database;
  let registry: Awaited<ReturnType<typeof startTestRegistry>>;
  beforeAll(async () => {
    db = await openTestDatabase('release_script', 'pglite');
    registry = await startTestRegistry(db);
  });
  afterAll(async () => {
    await registry?.server.close();
    if (db) await disposeTestDatabase(db);
  });

  test("the app's own version, already frozen from this source, is up to date and unchanged", async () => {
    const frozen = readFileSync(join(releasesDir, `${appVersion}.json`), 'utf8');
    const { code, output } = await release([appVersion]);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/up to date/i) });
    expect(readFileSync(join(releasesDir, `${appVersion}.json`), 'utf8')).toBe(frozen);
  });

  test('a version that is not x.y.z is a usage error; one that is not the app version is refused', async () => {
    expect((await release(['one-point-two'])).code).toBe(2);
    expect((await release([])).code).toBe(2);
    const other = await release(['9.9.9']);
    expect(other.code).toBe(1);
    expect(other.output).toContain(appVersion);
  });

  test('with REGISTRY_URL it publishes the release to the registry, which serves it to the BFFs again', async () => {
    const retire = await fetch(`${registry.url}/clients/mobile/manifests/${appVersion}/retire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_REGISTRY_TOKEN}` },
      body: JSON.stringify({ retiredBy: 'release-test' }),
    });
    expect(retire.status).toBe(200);
    const active = async () => ((await (await fetch(`${registry.url}/clients/mobile/manifests`)).json()) as { supportedAppVersions: string[] }).supportedAppVersions;
    expect(await active()).not.toContain(appVersion);

    const wrongToken = await release([appVersion, '--by', 'release-test'], { REGISTRY_URL: registry.url, REGISTRY_TOKEN: 'not-the-token-0123456789' });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.output).toMatch(/403|token/i);
    expect(await active()).not.toContain(appVersion);

    const published = await release([appVersion, '--by', 'release-test'], { REGISTRY_URL: registry.url, REGISTRY_TOKEN: TEST_REGISTRY_TOKEN });
    expect(published.code).toBe(0);
    expect(await active()).toContain(appVersion);
  });
});
