/** Test support for the BFFs: both BFFs' stacks and the conformance suite they share (`@bff/core/testing`, tests only). */
export * from './test-stack';
export * from './limit-queries';
export * from './conformance';
