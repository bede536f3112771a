import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode } from 'graphql';

/** The experience subgraph's name and routing URL in a client's supergraph (see @bff/formats). */
export { EXPERIENCE_ROUTING_URL, EXPERIENCE_SUBGRAPH_NAME } from '@bff/formats';

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
