import { resolve } from 'node:path';
import { readClientPolicy, type ClientPolicy } from './client-policy';

/** The repository root: client files are named relative to it. */
const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * A BFF's experience subgraph runs inside the BFF's own process. In the client's
 * supergraph it is the subgraph of this name, with this routing URL (not an HTTP
 * address): the toolchain composes it so, and the gateway serves it without a network hop.
 */
export const EXPERIENCE_SUBGRAPH_NAME = 'experience';
export const EXPERIENCE_ROUTING_URL = 'in-process://experience';

/**
 * One client app and where its files are. The BFF serves it from these files; the schema
 * toolchain composes and checks it from the same files, without importing the BFF's code.
 */
export interface ClientFiles {
  name: string;
  /** The client's BFF package directory. */
  bffDir: string;
  /** Its policy (`ClientPolicy`, YAML). */
  policyFile: string;
  /** Its experience subgraph's directory: `schema.graphql` and the resolvers. */
  experienceDir: string;
  experienceSchemaFile: string;
  /** Its composed, checked-in artifacts: the supergraph the BFF serves and the API schema clients see. */
  artifactsDir: string;
  supergraphFile: string;
  apiSchemaFile: string;
  /** The client app itself (`clients/<name>`), which owns its operations. */
  appDir: string;
  /**
   * Where the app's operations are: every `.graphql` file under this directory (the app's
   * source). They are the client's registered operations; for a persisted-query client they
   * are the operations of its next release.
   */
  operationsDir: string;
  /** Frozen persisted-query manifests of the app's releases, `<version>.json` (persisted-query clients). */
  releasesDir: string;
}

/** The client apps, each with its own BFF. Adding one starts here. */
export const CLIENT_NAMES = ['web', 'mobile'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

export function clientFiles(name: string): ClientFiles {
  const bffDir = resolve(REPO_ROOT, 'bffs', name);
  const experienceDir = resolve(bffDir, 'experience');
  const artifactsDir = resolve(REPO_ROOT, 'schema', 'clients', name);
  const appDir = resolve(REPO_ROOT, 'clients', name);
  return {
    name,
    bffDir,
    policyFile: resolve(bffDir, 'policy.yaml'),
    experienceDir,
    experienceSchemaFile: resolve(experienceDir, 'schema.graphql'),
    artifactsDir,
    supergraphFile: resolve(artifactsDir, 'supergraph.graphql'),
    apiSchemaFile: resolve(artifactsDir, 'api-schema.graphql'),
    appDir,
    operationsDir: resolve(appDir, 'src'),
    releasesDir: resolve(appDir, 'releases'),
  };
}

export const CLIENTS: readonly ClientFiles[] = CLIENT_NAMES.map(clientFiles);

export function isClientName(name: string): name is ClientName {
  return (CLIENT_NAMES as readonly string[]).includes(name);
}

/** A client's policy, read from its file; checks that the file names the client it belongs to. */
export function readPolicyOf(client: ClientName | ClientFiles): ClientPolicy {
  const files = typeof client === 'string' ? clientFiles(client) : client;
  const policy = readClientPolicy(files.policyFile);
  if (policy.name !== files.name) throw new Error(`${files.policyFile}: name is "${policy.name}", expected "${files.name}"`);
  return policy;
}
