import type { ClientPolicy } from '@bff/core';

/** The mobile client: small screens, metered networks, persisted queries only in production. */
export const mobilePolicy: ClientPolicy = {
  name: 'mobile',
  defaultPort: 4001,
  contract: { excludeTags: ['internal', 'web-only'] },
};
