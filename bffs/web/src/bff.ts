import { experienceSubgraph, type BffDefinition } from '@bff/core';
import { clientFiles, readPolicyOf } from '@bff/formats';
import { webExperienceResolvers } from '../experience/resolvers';

/** The web BFF: its policy (`policy.yaml`) plus its in-process experience subgraph. Everything else is @bff/core. */
export const webBff: BffDefinition = {
  policy: readPolicyOf('web'),
  experience: experienceSubgraph(clientFiles('web').experienceDir, webExperienceResolvers),
};
