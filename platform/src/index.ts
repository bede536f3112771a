/**
 * @bff/platform: what every service process stands on, below subgraphs, BFFs and the
 * registry. It knows no domain and no client. Public surface: the error codes, config and
 * env parsing, storage (`openDatabase`, `migrate`, `bulkInsert`), HTTP serving
 * (`createGraphQLHttpServer`), the gateway-to-subgraph protocol (credential and identity
 * headers), metrics, logs and traces (`ServiceTelemetry`), and the process life cycle
 * (`runService`). Test support is `@bff/platform/testing`.
 */
export * from './errors';
export * from './paths';
export * from './config/env';
export * from './config/telemetry-config';
export * from './db/database';
export * from './db/open-database';
export * from './db/migrate';
export * from './db/bulk-insert';
export * from './db/statement-counter';
export * from './db/pglite-node-flags';
export * from './db/data-dir-lock';
export * from './gateway-protocol/identity-headers';
export * from './gateway-protocol/gateway-credential';
export * from './http/service-http-server';
export * from './http/graphql-http-server';
export * from './http/apollo-lifecycle';
export * from './http/apollo-request-handler';
export * from './http/read-body';
export * from './http/static-site-server';
export * from './process/run-service';
export * from './process/listen-or-explain';
export * from './process/process-is-alive';
export * from './process/free-port';
export * from './observability/logger';
export * from './observability/request-id';
export * from './observability/bounded-label';
export * from './observability/service-metrics';
export * from './observability/service-telemetry';
export * from './observability/tracing';
export * from './observability/operation-telemetry-plugin';
export * from './observability/log-unexpected-errors-plugin';
export * from './observability/prometheus-text';
export * from './streams/pushed-events';
export * from './streams/data-changes';
