import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport } from '../check/format-report';
import { runChecks } from '../check/run-checks';

/**
 * `npm run schema:check [-- --subgraph <name> --sdl <file>] [--json]`
 * Exit codes: 0 passed (warnings allowed), 1 failed, 2 could not run.
 */
export const EXIT = { passed: 0, failed: 1, couldNotRun: 2 } as const;
const USAGE = 'usage: npm run schema:check -- [--subgraph <name> --sdl <proposed.graphql>] [--json]';

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({ options: { subgraph: { type: 'string' }, sdl: { type: 'string' }, json: { type: 'boolean' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
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
    report = runChecks({ proposed });
  } catch (error) {
    console.error(`schema check could not run: ${(error as Error).message}`);
    return EXIT.couldNotRun;
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.outcome === 'failed' ? EXIT.failed : EXIT.passed;
}

process.exit(main());
