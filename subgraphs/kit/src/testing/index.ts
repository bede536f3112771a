/** Test support for the subgraphs; imported only by tests (`@subgraphs/kit/src/testing`). */
export * from './storage-backends';
export * from './redis-service';
export * from './test-subgraph';
export * from './processes';
export * from './captured-telemetry';
export * from './prometheus-text';
export * from './otlp-receiver';
