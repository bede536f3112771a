/**
 * @bff/core — the BFF kit. Public surface: `createBffServer` (one client's BFF from a
 * supergraph, a policy and an optional experience subgraph), the experience-subgraph
 * helpers, `startBffProcess` (a BFF process's main), the registry poller, the usage
 * recorder and reporter (what ran, for the registry), authentication,
 * and `createGateway`. The client policy's format is `@bff/formats`.
 */
export * from './gateway/create-gateway';
export * from './experience';
export * from './server/context';
export * from './server/create-bff-server';
export * from './config';
export * from './run-bff';
export * from './registry/registry-poller';
export * from './usage/usage-recorder';
export * from './usage/usage-reporter';
export * from './auth/authenticator';
