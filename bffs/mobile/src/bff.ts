import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BffDefinition } from '@bff/core';
import { parse } from 'graphql';
import { mobileExperienceResolvers } from '../experience/resolvers';
import { mobilePolicy } from './policy';

/** The mobile BFF: its policy plus its in-process experience subgraph. Everything else is @bff/core. */
export const mobileBff: BffDefinition = {
  policy: mobilePolicy,
  experience: {
    typeDefs: parse(readFileSync(join(__dirname, '..', 'experience', 'schema.graphql'), 'utf8')),
    resolvers: mobileExperienceResolvers,
  },
};
