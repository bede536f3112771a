import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '@subgraphs/kit';
import { DEFAULT_CLIENT_POLICY, type ClientPolicy } from '../policy';
import { startBffProcess } from '../run-bff';

const USAGE = `usage: npm run bff -- --supergraph <file> [--policy <web|mobile|policy.json>] [--port <n>] [--host <addr>]

Serves any supergraph with the BFF kit, without an experience subgraph. Subgraphs are reached
at the supergraph's routing URLs (override one with SUBGRAPH_URL_<NAME>). The BFF environment
applies, e.g. WORKERS=N (or auto) for N processes on the one port.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** `web` and `mobile` name the BFFs' own policies; anything else is a JSON file of a policy. */
function loadPolicy(name: string | undefined): ClientPolicy {
  if (name === undefined) return DEFAULT_CLIENT_POLICY;
  const preset = resolve(REPO_ROOT, 'bffs', name, 'src', 'policy.ts');
  if (/^[a-z][a-z0-9-]*$/.test(name) && existsSync(preset)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = Object.values(require(preset) as Record<string, unknown>)[0];
    return exported as ClientPolicy;
  }
  try {
    // A policy file says what differs from the default; everything it leaves out is the default's.
    const given = JSON.parse(readFileSync(name, 'utf8')) as Partial<ClientPolicy>;
    return {
      ...DEFAULT_CLIENT_POLICY,
      ...given,
      limits: { ...DEFAULT_CLIENT_POLICY.limits, ...given.limits },
      subgraphFetch: { ...DEFAULT_CLIENT_POLICY.subgraphFetch, ...given.subgraphFetch },
    };
  } catch (error) {
    return fail(`--policy ${name}: neither a BFF name (web, mobile) nor a readable JSON policy file (${(error as Error).message})`);
  }
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      supergraph: { type: 'string' },
      policy: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.supergraph) fail('--supergraph is required');
const supergraphFile = resolve(process.env.INIT_CWD ?? process.cwd(), values.supergraph);
if (!existsSync(supergraphFile)) fail(`--supergraph ${supergraphFile}: no such file`);
const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) fail(`--port must be a TCP port, got "${values.port}"`);

const policy = loadPolicy(values.policy);
startBffProcess(
  { policy },
  { supergraphFile, ...(port === undefined ? {} : { port }), ...(values.host ? { host: values.host } : {}) },
);
