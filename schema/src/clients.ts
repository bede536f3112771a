import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ClientPolicy } from '@bff/core';
import { mobilePolicy } from '@bff/mobile/src/policy';
import { webPolicy } from '@bff/web/src/policy';
import { composeSupergraph, loadSubgraphSources, type CompositionProblem, type SubgraphSource } from './compose';
import { applyContract } from './contract';
import { readRoverConfig } from './rover-config';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const ROVER_CONFIG = resolve(REPO_ROOT, 'rover.yaml');

/**
 * The experience subgraph runs inside its BFF's process, so its routing URL is not an HTTP
 * address: the BFF kit recognises this name and serves it without a network hop.
 */
export const EXPERIENCE_SUBGRAPH_NAME = 'experience';
export const EXPERIENCE_ROUTING_URL = 'in-process://experience';

export interface ClientSchemaSource {
  policy: ClientPolicy;
  experienceSchemaFile: string;
}

export const CLIENTS: readonly ClientSchemaSource[] = [
  { policy: webPolicy, experienceSchemaFile: resolve(REPO_ROOT, 'bffs/web/experience/schema.graphql') },
  { policy: mobilePolicy, experienceSchemaFile: resolve(REPO_ROOT, 'bffs/mobile/experience/schema.graphql') },
];

/** Where a client's checked-in artifacts live. */
export function clientArtifacts(client: string) {
  const dir = resolve(REPO_ROOT, 'schema', 'clients', client);
  return { dir, supergraph: resolve(dir, 'supergraph.graphql'), apiSchema: resolve(dir, 'api-schema.graphql') };
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
