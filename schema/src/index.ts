/** @bff/schema — public surface: `readRoverConfig`, `loadSubgraphSources`, `composeSupergraph`. */
export * from './rover-config';
export * from './compose';
