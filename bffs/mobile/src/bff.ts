import { join } from 'node:path';
import { experienceSubgraph, type BffDefinition } from '@bff/core';
import { mobileExperienceResolvers } from '../experience/resolvers';
import { mobilePolicy } from './policy';

/** The mobile BFF: its policy plus its in-process experience subgraph. Everything else is @bff/core. */
export const mobileBff: BffDefinition = {
  policy: mobilePolicy,
  experience: experienceSubgraph(join(__dirname, '..', 'experience'), mobileExperienceResolvers),
};
