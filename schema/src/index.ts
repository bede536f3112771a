/**
 * @bff/schema: the schema toolchain. Public surface: `readRoverConfig`, `loadSubgraphSources`,
 * `composeSupergraph`, `applyContract`, and each client's composition (`composeAllClients`).
 * The registry service is `@bff/schema/registry`.
 */
export * from './rover-config';
export * from './compose';
export * from './contract';
export * from './clients';
