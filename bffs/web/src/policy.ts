import type { ClientPolicy } from '@bff/core';

/** The web client: large screens, fast networks, free-text queries within limits. */
export const webPolicy: ClientPolicy = {
  name: 'web',
  defaultPort: 4000,
  contract: { excludeTags: ['internal', 'mobile-only'] },
  limits: {
    maxDepth: 12,
    maxAliases: 30,
    maxRootFields: 10,
    maxTokens: 5_000,
    maxCost: 20_000,
    defaultListSize: 10,
    // The web app sends one operation per request; it gains nothing from HTTP batches.
    maxBatchSize: 1,
    maxBodyBytes: 256 * 1024,
  },
  persistedQueries: { mode: 'automatic' },
  // Web developers point their tools at production; the API schema is public anyway.
  introspectionInProduction: true,
  // A page render waits at most this long for any one subgraph, then renders what it has.
  subgraphFetch: { timeoutMs: 5_000, breakerFailureThreshold: 5, breakerOpenMs: 5_000, dedupeInFlight: true },
};
