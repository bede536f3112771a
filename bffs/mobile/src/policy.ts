import type { ClientPolicy } from '@bff/core';

/** The mobile client: small screens, metered networks, persisted queries only in production. */
export const mobilePolicy: ClientPolicy = {
  name: 'mobile',
  defaultPort: 4001,
  contract: { excludeTags: ['internal', 'web-only'] },
  // Stricter than web on every axis: the app's operations are known in advance and small.
  limits: {
    maxDepth: 8,
    maxAliases: 10,
    maxRootFields: 5,
    maxTokens: 2_000,
    maxCost: 5_000,
    defaultListSize: 10,
    // One round trip for a screen's several operations matters on a mobile network.
    maxBatchSize: 5,
    maxBodyBytes: 32 * 1024,
  },
  persistedQueries: {
    mode: 'safelist',
    manifestsDir: 'schema/manifests/mobile',
    supportedAppVersions: ['1.0.0', '1.1.0'],
    freeText: { development: true, production: false },
  },
  // Nobody but the app calls this API, and the app needs no introspection.
  introspectionInProduction: false,
  // On a phone a quick partial screen beats a spinner: a shorter deadline than web's.
  subgraphFetch: { timeoutMs: 3_000, breakerFailureThreshold: 5, breakerOpenMs: 5_000, dedupeInFlight: true },
};
