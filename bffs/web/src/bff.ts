import { clientBff } from '@bff/core';
import { webExperienceResolvers } from '../experience/resolvers';

/** The web BFF: its policy (`policy.yaml`) plus its in-process experience subgraph. Everything else is @bff/core. */
export const webBff = clientBff('web', webExperienceResolvers);
