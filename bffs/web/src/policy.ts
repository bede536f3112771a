import type { ClientPolicy } from '@bff/core';

/** The web client: large screens, fast networks, free-text queries within limits. */
export const webPolicy: ClientPolicy = {
  name: 'web',
  defaultPort: 4000,
  contract: { excludeTags: ['internal', 'mobile-only'] },
};
