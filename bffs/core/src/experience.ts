import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode } from 'graphql';

/**
 * A BFF's experience subgraph runs inside the BFF's own process. In the client's
 * supergraph it is the subgraph of this name, with this routing URL (not an HTTP
 * address); the gateway serves it without a network hop.
 */
export const EXPERIENCE_SUBGRAPH_NAME = 'experience';
export const EXPERIENCE_ROUTING_URL = 'in-process://experience';

export interface ExperienceSubgraph {
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<unknown>;
}

/** A BFF's experience subgraph from its directory (`schema.graphql`) and its resolvers. */
export function experienceSubgraph(directory: string, resolvers: GraphQLResolverMap<unknown>): ExperienceSubgraph {
  return { typeDefs: parse(readFileSync(join(directory, 'schema.graphql'), 'utf8')), resolvers };
}

/**
 * A field an experience resolver declared in `@requires`. Missing only if a gateway skipped
 * the requirement: fail loudly rather than guess.
 */
export function requireProvided<T>(value: T | undefined, field: string, entity: { id: string }): T {
  if (value === undefined) throw new Error(`${entity.id}: ${field} was not provided (@requires)`);
  return value;
}
