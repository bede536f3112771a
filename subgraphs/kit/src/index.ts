/**
 * @subgraphs/kit — what every domain subgraph shares. Public surface:
 * HTTP serving (`createGraphQLHttpServer`, also used by the BFFs), storage (`openDatabase`, `migrate`, `bulkInsert`), the server builder
 * (`createSubgraphServer`, `runSubgraph`), errors (`ErrorCode` and helpers), pagination,
 * `money`, the `DateTime` scalar, the request identity headers, and the seed `dataset`.
 */
export * from './errors';
export * from './paths';
export * from './config/env';
export * from './config/subgraph-config';
export * from './db/database';
export * from './db/migrate';
export * from './db/bulk-insert';
export * from './db/statement-counter';
export * from './db/newest-first-pages';
export * from './graphql/identity';
export * from './graphql/gateway-credential';
export * from './graphql/scalars';
export * from './graphql/pagination';
export * from './graphql/batch';
export * from './graphql/page-loader';
export * from './graphql/instant-cursor';
export * from './graphql/money';
export * from './graphql/subgraph-server';
export * from './http/graphql-http-server';
export * from './http/apollo-lifecycle';
export * from './run-subgraph';
export * from './process/run-service';
export * from './process/listen-or-explain';
export * from './dataset/dataset';
export * from './domain/shipping';
export * from './config/telemetry-config';
export * from './observability/logger';
export * from './observability/request-id';
export * from './observability/bounded-label';
export * from './observability/service-metrics';
export * from './observability/service-telemetry';
export * from './observability/tracing';
export * from './observability/operation-telemetry-plugin';
export * from './graphql/plugins/log-unexpected-errors-plugin';
