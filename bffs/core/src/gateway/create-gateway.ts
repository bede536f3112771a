import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { EXPERIENCE_SUBGRAPH_NAME, type ExperienceSubgraph } from '../experience';
import { ForwardingDataSource } from './forwarding-data-source';
import { supergraphForGateway } from './supergraph-for-gateway';

export interface GatewayOptions {
  supergraphSdl: string;
  /** Served in-process for the subgraph named `experience`; absent for foreign supergraphs. */
  experience?: ExperienceSubgraph;
  /** Routing URL overrides by subgraph name (the supergraph's URLs are the defaults). */
  subgraphUrls?: Readonly<Record<string, string>>;
}

export function createGateway(options: GatewayOptions): ApolloGateway {
  const experienceSchema = options.experience
    ? buildSubgraphSchema({ typeDefs: options.experience.typeDefs, resolvers: options.experience.resolvers })
    : undefined;
  return new ApolloGateway({
    supergraphSdl: supergraphForGateway(options.supergraphSdl),
    buildService: ({ name, url }) => {
      if (name === EXPERIENCE_SUBGRAPH_NAME && experienceSchema) return new LocalGraphQLDataSource(experienceSchema);
      const target = options.subgraphUrls?.[name] ?? url;
      if (!target || !/^https?:\/\//.test(target)) {
        throw new Error(`Subgraph "${name}" has no HTTP routing URL (got "${target ?? ''}"); set SUBGRAPH_URL_${name.toUpperCase()}`);
      }
      return new ForwardingDataSource({ url: target });
    },
  });
}
