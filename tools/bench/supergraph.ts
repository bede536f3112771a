import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { clientFiles, EXPERIENCE_SUBGRAPH_NAME, supergraphForGateway, type ClientName } from '@bff/formats';
import { REPO_ROOT } from '@bff/platform';
import { applyContract, composeSupergraph, loadSubgraphSources, readRoverConfig } from '@bff/schema';

/** `@join__graph(name: "catalog", url: "http://…")`, as composition prints it. */
const JOIN_GRAPH = /@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g;

/**
 * What a stock gateway loads to serve a client like its BFF does: the client's checked-in
 * supergraph (`schema/clients/<client>/supergraph.graphql`, the contract its BFF serves in
 * static mode: domain subgraphs, its experience subgraph, `@inaccessible` where the contract
 * hides something), with the two `for: SECURITY` links a stock gateway refuses demoted
 * (`supergraphForGateway`, as the BFF and the registry's `@stock-gateway` variant do), and
 * every routing URL pointed at this run: `urls` by subgraph name, `experience` included
 * (the BFF runs that one in-process; its checked-in URL is `in-process://experience`).
 */
export function clientSupergraphForAnchors(client: ClientName, urls: Readonly<Record<string, string>>): string {
  // The generated header comment is not part of the supergraph (run-bff.ts strips it too).
  const sdl = readFileSync(clientFiles(client).supergraphFile, 'utf8').replace(/^(#[^\n]*\n)+/, '');
  const routed = new Set<string>();
  const gatewaySdl = supergraphForGateway(sdl).replace(JOIN_GRAPH, (_match, name: string) => {
    const url = urls[name];
    if (!url) throw new Error(`the ${client} supergraph routes to subgraph "${name}", for which this bench run has no URL`);
    routed.add(name);
    return `@join__graph(name: "${name}", url: "${url}")`;
  });
  if (!routed.has(EXPERIENCE_SUBGRAPH_NAME)) throw new Error(`the ${client} supergraph has no ${EXPERIENCE_SUBGRAPH_NAME} subgraph`);
  const unused = Object.keys(urls).filter((name) => !routed.has(name));
  if (unused.length > 0) throw new Error(`the ${client} supergraph has no subgraph named ${unused.join(', ')}`);
  return gatewaySdl;
}

export interface DomainSupergraph {
  /** What a stock gateway loads: the domain supergraph, `for: SECURITY` links demoted, routing URLs of this run. */
  gatewaySdl: string;
  /** The schema a client of the domain supergraph sees. */
  apiSchema: GraphQLSchema;
}

/**
 * The DOMAIN supergraph (rover.yaml's subgraphs, no experience subgraph, no contract),
 * composed with @bff/schema the way `rover supergraph compose` would, pointed at `urls`
 * (by subgraph name) instead of rover.yaml's routing URLs: only for an anchor that cannot
 * serve a client's own supergraph (see `hiveClientSupergraphGaps`).
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
export function clientApiSchema(client: ClientName): GraphQLSchema {
  return buildSchema(readFileSync(clientFiles(client).apiSchemaFile, 'utf8'));
}
