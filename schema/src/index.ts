/**
 * @bff/schema: the schema toolchain. Public surface: `readRoverConfig`, `loadSubgraphSources`,
 * `composeSupergraph`, `applyContract`, each client's composition (`composeAllClients`), and
 * a client's registered operations (`readOperations`, `clientOperation`).
 * The registry service is `@bff/schema/registry`.
 */
export * from './rover-config';
export * from './compose';
export * from './contract';
export * from './clients';
export * from './operations';
