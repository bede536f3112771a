import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CLIENTS as CLIENT_FILES, clientFiles, EXPERIENCE_ROUTING_URL, EXPERIENCE_SUBGRAPH_NAME, readPolicyOf, type ClientFiles, type ClientPolicy } from '@bff/formats';
import { REPO_ROOT } from '@bff/platform';
import { composeSupergraph, loadSubgraphSources, type CompositionProblem, type SubgraphSource } from './compose';
import { applyContract } from './contract';
import { readRoverConfig } from './rover-config';

export const ROVER_CONFIG = resolve(REPO_ROOT, 'rover.yaml');

/** What the toolchain needs of a client: its policy (read from its file, not from the BFF's code) and its experience schema. */
export interface ClientSchemaSource {
  policy: ClientPolicy;
  experienceSchemaFile: string;
}

export function clientSchemaSource(client: ClientFiles): ClientSchemaSource {
  return { policy: readPolicyOf(client), experienceSchemaFile: client.experienceSchemaFile };
}

/** Every client, as its files say when the toolchain starts. */
export const CLIENTS: readonly ClientSchemaSource[] = CLIENT_FILES.map(clientSchemaSource);

/** Where a client's checked-in artifacts live. */
export function clientArtifacts(client: string) {
  const files = clientFiles(client);
  return { dir: files.artifactsDir, supergraph: files.supergraphFile, apiSchema: files.apiSchemaFile };
}

export type ClientComposition =
  | { ok: true; client: string; supergraphSdl: string; apiSchemaSdl: string; hidden: string[]; hints: CompositionProblem[] }
  | { ok: false; client: string; errors: CompositionProblem[]; hints: CompositionProblem[] };

/** One client's supergraph: the domain subgraphs plus its experience subgraph, under its contract. */
export function composeClient(client: ClientSchemaSource, domain: readonly SubgraphSource[]): ClientComposition {
  const experience: SubgraphSource = {
    name: EXPERIENCE_SUBGRAPH_NAME,
    url: EXPERIENCE_ROUTING_URL,
    sdl: readFileSync(client.experienceSchemaFile, 'utf8'),
  };
  const composed = composeSupergraph([...domain, experience]);
  if (!composed.ok) return { ok: false, client: client.policy.name, errors: composed.errors, hints: composed.hints };
  const contract = applyContract(composed.supergraphSdl, { excludeTags: client.policy.contract.excludeTags });
  return { ok: true, client: client.policy.name, hints: composed.hints, ...contract };
}

export function composeAllClients(roverConfig = ROVER_CONFIG): ClientComposition[] {
  const domain = loadSubgraphSources(readRoverConfig(roverConfig).subgraphs);
  return CLIENTS.map((client) => composeClient(client, domain));
}
