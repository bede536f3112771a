import { join } from 'node:path';
import { experienceSubgraph, type BffDefinition } from '@bff/core';
import { webExperienceResolvers } from '../experience/resolvers';
import { webPolicy } from './policy';

/** The web BFF: its policy plus its in-process experience subgraph. Everything else is @bff/core. */
export const webBff: BffDefinition = {
  policy: webPolicy,
  experience: experienceSubgraph(join(__dirname, '..', 'experience'), webExperienceResolvers),
};
