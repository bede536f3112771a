/** The whole stack: every service, how to start one, and how to start and stop them all. Imported by the bench, the memory tool and tests. */
export * from './stack';
export * from './launcher';
export * from './client-build';
export * from './client-site';
