import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CLIENTS } from '../clients';
import { defaultGitBase, gitBaseline, registryBaseline, type Baseline } from '../check/baseline';
import { formatReport } from '../check/format-report';
import { registryTraffic } from '../check/registry-traffic';
import { runChecks } from '../check/run-checks';

/**
 * `npm run schema:check [-- --subgraph <name> --sdl <file>] [--base <git ref>] [--json]`
 * checks the working tree (or one proposed SDL) against what is deployed: with `--base`,
 * that git commit; else with `REGISTRY_URL`, the registry's published client schemas; else
 * the commit this branch left `main` at (`HEAD~1` on `main`). With `REGISTRY_URL`, breaking
 * changes are also judged by the traffic the BFFs reported to it over the last
 * `--window-days` days (the registry's window, 7 by default): used is an error, unused a
 * conditional warning.
 * Exit codes: 0 passed (warnings allowed), 1 failed, 2 could not run.
 */
export const EXIT = { passed: 0, failed: 1, couldNotRun: 2 } as const;
const USAGE = 'usage: npm run schema:check -- [--subgraph <name> --sdl <proposed.graphql>] [--base <git ref>] [--window-days <n>] [--json]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { subgraph: { type: 'string' }, sdl: { type: 'string' }, base: { type: 'string' }, 'window-days': { type: 'string' }, json: { type: 'boolean' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return EXIT.couldNotRun;
  }
  const windowDays = values['window-days'] === undefined ? undefined : Number(values['window-days']);
  if (windowDays !== undefined && (!Number.isInteger(windowDays) || windowDays < 1)) {
    console.error(`--window-days must be a whole number of days, at least 1\n${USAGE}`);
    return EXIT.couldNotRun;
  }
  if (windowDays !== undefined && !process.env.REGISTRY_URL) {
    console.error('--window-days reads the traffic the BFFs reported to a registry: set REGISTRY_URL');
    return EXIT.couldNotRun;
  }
  if (Boolean(values.subgraph) !== Boolean(values.sdl)) {
    console.error(`--subgraph and --sdl go together\n${USAGE}`);
    return EXIT.couldNotRun;
  }
  let report;
  try {
    const proposed: Record<string, string> = {};
    if (values.subgraph && values.sdl) proposed[values.subgraph] = readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), values.sdl), 'utf8');
    const registryUrl = process.env.REGISTRY_URL;
    const baseline: Baseline =
      values.base === undefined && registryUrl ? await registryBaseline(registryUrl, CLIENTS) : gitBaseline(values.base ?? defaultGitBase(), CLIENTS);
    const traffic = registryUrl ? await registryTraffic(registryUrl, CLIENTS, windowDays) : undefined;
    report = runChecks({ proposed, baseline, traffic });
  } catch (error) {
    console.error(`schema check could not run: ${(error as Error).message}`);
    return EXIT.couldNotRun;
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.outcome === 'failed' ? EXIT.failed : EXIT.passed;
}

main().then((code) => process.exit(code));
