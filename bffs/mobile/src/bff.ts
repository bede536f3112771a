import { experienceSubgraph, type BffDefinition } from '@bff/core';
import { clientFiles, readPolicyOf } from '@bff/formats';
import { mobileExperienceResolvers } from '../experience/resolvers';

/** The mobile BFF: its policy (`policy.yaml`) plus its in-process experience subgraph. Everything else is @bff/core. */
export const mobileBff: BffDefinition = {
  policy: readPolicyOf('mobile'),
  experience: experienceSubgraph(clientFiles('mobile').experienceDir, mobileExperienceResolvers),
};
