/** Test support for the subgraphs: imported only by tests (`@subgraphs/kit/testing`). */
export * from './test-subgraph';
