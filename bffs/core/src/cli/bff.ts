import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CLIENT_POLICY, isClientName, readClientPolicy, readPolicyOf, type ClientPolicy } from '@bff/formats';
import { startBffProcess } from '../run-bff';

const USAGE = `usage: npm run bff -- --supergraph <file> [--policy <web|mobile|policy.yaml|policy.json>] [--port <n>] [--host <addr>]

Serves any supergraph with the BFF kit, without an experience subgraph. Subgraphs are reached
at the supergraph's routing URLs (override one with SUBGRAPH_URL_<NAME>). The BFF environment
applies, e.g. WORKERS=N (or auto) for N processes on the one port.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** A client's name (`web`, `mobile`) is that client's policy; anything else is a policy file (YAML or JSON). */
function loadPolicy(name: string | undefined): ClientPolicy {
  if (name === undefined) return DEFAULT_CLIENT_POLICY;
  try {
    if (isClientName(name)) return readPolicyOf(name);
    return readClientPolicy(resolve(process.env.INIT_CWD ?? process.cwd(), name));
  } catch (error) {
    return fail(`--policy ${name}: ${(error as Error).message}`);
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
