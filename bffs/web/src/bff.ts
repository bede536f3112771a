import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BffDefinition } from '@bff/core';
import { parse } from 'graphql';
import { webExperienceResolvers } from '../experience/resolvers';
import { webPolicy } from './policy';

/** The web BFF: its policy plus its in-process experience subgraph. Everything else is @bff/core. */
export const webBff: BffDefinition = {
  policy: webPolicy,
  experience: {
    typeDefs: parse(readFileSync(join(__dirname, '..', 'experience', 'schema.graphql'), 'utf8')),
    resolvers: webExperienceResolvers,
  },
};
