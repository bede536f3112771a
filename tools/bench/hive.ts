import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The Hive Gateway version the bench compares with (the same pins as the Guild benchmark
 * runner in ../shared/bench/guild, whose install it reuses when present).
 */
export const HIVE_GATEWAY_VERSION = '2.15.1';

/**
 * Clients whose own supergraph a Hive Gateway version cannot serve, and why: the bench gives
 * that process the DOMAIN supergraph instead (its operations projected onto it, without the
 * experience-only fields) and says so in the report. Tied to the version, so a new pin is
 * tried on every client supergraph again (and shows up as a wrong reply if it still fails).
 */
export function hiveClientSupergraphGaps(version: string): Partial<Record<'web' | 'mobile', string>> {
  if (version !== '2.15.1') return {};
  return {
    mobile:
      'Hive Gateway 2.15.1 sends the mobile experience subgraph its `_entities` representations without `ratingSummary`, which `Product.card` @requires from a third subgraph (reviews; name, price and images from catalog do arrive), so every card fails with "ratingSummary was not provided (@requires)"; the same with the uncontracted composition, and when the query selects `ratingSummary` itself',
  };
}

export type HiveGateway = { ok: true; bin: string; version: string; source: string } | { ok: false; reason: string };

/** How long a first-time install may take before the Hive column is skipped. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/**
 * Finds Hive Gateway's CLI, installing it on first use into `<home>/hive` (outside the
 * repository: it is hundreds of MB and only the bench needs it). Never throws: if it cannot
 * be found or installed, says why, and the bench runs without the Hive column.
 */
export async function locateHiveGateway(home: string, log: (line: string) => void): Promise<HiveGateway> {
  const own = join(home, 'hive');
  const candidates = [
    { dir: own, source: `${own} (bench cache)` },
    { dir: process.env.GUILD_BENCH_HOME ?? '/tmp/guild-bench', source: 'the Guild benchmark runner install' },
  ];
  for (const candidate of candidates) {
    const found = binIn(candidate.dir);
    if (found) return { ok: true, ...found, source: candidate.source };
  }
  log(`installing @graphql-hive/gateway@${HIVE_GATEWAY_VERSION} into ${own} (first use only; a few minutes)…`);
  try {
    mkdirSync(own, { recursive: true });
    writeFileSync(
      join(own, 'package.json'),
      JSON.stringify(
        {
          name: 'bff-bench-hive-gateway',
          private: true,
          description: 'Hive Gateway for npm run bench (installed here, outside the repository)',
          // Same override as the Guild runner: later @graphql-tools/delegate releases break this gateway version.
          overrides: { '@graphql-tools/delegate': '12.2.1' },
          dependencies: { '@graphql-hive/gateway': HIVE_GATEWAY_VERSION, graphql: '16.15.0' },
        },
        null,
        2,
      ),
    );
    await runNpmInstall(own);
  } catch (error) {
    return { ok: false, reason: `could not install @graphql-hive/gateway into ${own}: ${(error as Error).message}` };
  }
  const found = binIn(own);
  return found ? { ok: true, ...found, source: `${own} (installed now)` } : { ok: false, reason: `npm install in ${own} left no node_modules/.bin/hive-gateway` };
}

function binIn(dir: string): { bin: string; version: string } | undefined {
  const link = join(dir, 'node_modules', '.bin', 'hive-gateway');
  if (!existsSync(link)) return undefined;
  try {
    const bin = realpathSync(link);
    const packageJson = resolve(dirname(bin), '..', 'package.json');
    const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
    return { bin, version };
  } catch {
    return undefined;
  }
}

function runNpmInstall(dir: string): Promise<void> {
  return new Promise((resolveInstall, reject) => {
    const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), INSTALL_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolveInstall();
      const why = npmErrorSummary(stderr);
      reject(new Error(signal ? `npm install stopped (${signal}, timeout ${INSTALL_TIMEOUT_MS / 60_000} min)` : `npm install exited with code ${code}${why ? `: ${why}` : ''}`));
    });
  });
}

/** `npm error code E…` plus npm's first message line, without the stack and the object dump. */
export function npmErrorSummary(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.replace(/^npm (error|ERR!) ?/, ''));
  const code = lines.map((line) => /^code (\S+)/.exec(line)?.[1]).find(Boolean);
  const message = lines.find((line) => line.trim() && !/^(code|syscall|errno) |^\s|^[{}]/.test(line));
  return [code, message].filter(Boolean).join(': ') || stderr.trim().split('\n').slice(-3).join(' | ');
}

/**
 * Hive Gateway's config for the bench: stock, plus the two things every anchor needs here.
 * The subgraphs answer only requests with the gateway credential; Hive's documented way to
 * put a header on subgraph requests is `propagateHeaders.fromClientToSubgraphs`, which may
 * return any headers, here a constant. Batching is on (limit 5, mobile's limit) so the
 * mobile batch runs as one HTTP request, as it does on our mobile BFF.
 */
export function writeHiveConfig(file: string): void {
  writeFileSync(
    file,
    `// Written by npm run bench (tools/bench/hive.ts).
const secret = process.env.GATEWAY_SECRET;
if (!secret) throw new Error('GATEWAY_SECRET is not set');
// The bench spawns Hive with an IPC channel: if the bench dies, so does this gateway.
if (process.send) process.on('disconnect', () => process.exit(0));
export const gatewayConfig = {
  propagateHeaders: { fromClientToSubgraphs: () => ({ 'x-gateway-credential': secret }) },
  batching: { limit: 5 },
};
`,
  );
}
