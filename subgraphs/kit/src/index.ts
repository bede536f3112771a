/**
 * @subgraphs/kit: what only the domain subgraphs share. Public surface: the subgraph server
 * builder (`createSubgraphServer`, `startSubgraphProcess`) and its config, pagination and cursors,
 * entity batching, the `DateTime` scalar, keyset pages in SQL, shipping rules, and the seed
 * `dataset`. What every service shares (HTTP, storage, errors, telemetry) is
 * `@bff/platform`; test support is `@subgraphs/kit/testing`.
 */
export * from './config/subgraph-config';
export * from './db/newest-first-pages';
export * from './graphql/scalars';
export * from './graphql/pagination';
export * from './graphql/batch';
export * from './graphql/page-loader';
export * from './graphql/instant-cursor';
export * from './graphql/subgraph-server';
export * from './run-subgraph';
export * from './dataset/dataset';
export * from './domain/shipping';
