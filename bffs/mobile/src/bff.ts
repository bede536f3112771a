import { clientBff } from '@bff/core';
import { mobileExperienceResolvers } from '../experience/resolvers';

/** The mobile BFF: its policy (`policy.yaml`) plus its in-process experience subgraph. Everything else is @bff/core. */
export const mobileBff = clientBff('mobile', mobileExperienceResolvers);
