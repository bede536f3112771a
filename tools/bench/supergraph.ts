import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { supergraphForGateway } from '@bff/formats';
import { applyContract, composeSupergraph, loadSubgraphSources, readRoverConfig } from '@bff/schema';

import { REPO_ROOT } from '@bff/platform';

export interface DomainSupergraph {
  /** What a stock gateway loads: the domain supergraph, `for: SECURITY` links demoted, routing URLs of this run. */
  gatewaySdl: string;
  /** The schema a client of the domain supergraph sees. */
  apiSchema: GraphQLSchema;
}

/**
 * The DOMAIN supergraph (rover.yaml's subgraphs, no experience subgraph, no contract),
 * composed with @bff/schema the way `rover supergraph compose` would, pointed at `urls`
 * (by subgraph name) instead of rover.yaml's routing URLs.
 */
export function composeDomainSupergraph(urls: Readonly<Record<string, string>>): DomainSupergraph {
  const config = readRoverConfig(resolve(REPO_ROOT, 'rover.yaml'));
  const sources = loadSubgraphSources(config.subgraphs).map((source) => {
    const url = urls[source.name];
    if (!url) throw new Error(`no URL for subgraph ${source.name} in this bench run`);
    return { ...source, url };
  });
  const composed = composeSupergraph(sources);
  if (!composed.ok) throw new Error(`the domain supergraph does not compose:\n${composed.errors.map((e) => `  ${e.code}: ${e.message}`).join('\n')}`);
  const { apiSchemaSdl } = applyContract(composed.supergraphSdl, { excludeTags: [] });
  return { gatewaySdl: supergraphForGateway(composed.supergraphSdl), apiSchema: buildSchema(apiSchemaSdl) };
}

/** A client's checked-in API schema (what its app's operations are written against). */
export function clientApiSchema(client: 'web' | 'mobile'): GraphQLSchema {
  return buildSchema(readFileSync(resolve(REPO_ROOT, 'schema', 'clients', client, 'api-schema.graphql'), 'utf8'));
}
