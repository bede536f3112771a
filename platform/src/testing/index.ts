/** Test support for every service: imported only by tests (`@bff/platform/testing`). */
export * from './storage-backends';
export * from './test-database';
export * from './redis-service';
export * from './processes';
export * from './captured-telemetry';
export * from './otlp-receiver';
export * from './browser';
