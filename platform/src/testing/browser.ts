import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions, type LaunchOptions } from 'playwright-core';
import { REPO_ROOT } from '../paths';

/**
 * Browser tests drive Debian's Chromium (`apt-get install chromium`) with playwright-core:
 * Playwright's own browser downloads cannot be fetched here. `CHROMIUM_PATH` points
 * elsewhere. As with PostgreSQL and Redis, suites that need it are skipped locally when it
 * is missing and FAIL under `CI=true` (`.ci/run` installs it).
 */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** `describe` that needs Chromium: runs when it is installed (or under CI, to fail loudly), else is skipped. */
export function describeWithBrowser(title: string, suite: () => void): void {
  if (existsSync(chromiumPath()) || process.env.CI === 'true') describe(title, suite);
  else describe.skip(`${title} [Chromium: not found at ${chromiumPath()}; apt-get install chromium, or set CI=true to make this fail]`, suite);
}

/**
 * The switches that keep a headless Chromium quiet on a machine without internet: no
 * calls home (refused many at a time otherwise), no GPU, no sandbox (tests run as root on CI).
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export interface TestBrowser {
  /** A browser context with a profile of its own: open pages in it. */
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile of its own, removed again on `close`. */
export async function launchBrowser(context: BrowserContextOptions = {}): Promise<TestBrowser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) throw new Error(`Chromium is not installed at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const options: LaunchOptions = { executablePath, args: CHROMIUM_ARGS, timeout: 120_000 };
  const persistent = await chromium.launchPersistentContext(profile, { ...options, ...context });
  return {
    context: persistent,
    close: async () => {
      await persistent.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where a test's screenshots go (`.data/screenshots/<suite>`, kept out of git); the test prints it. */
export function screenshotDir(suite: string): string {
  const dir = resolve(REPO_ROOT, '.data', 'screenshots', suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}
