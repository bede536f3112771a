import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';

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
