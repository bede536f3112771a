/** Test support for suites that need inventory's stock set up (`@subgraphs/inventory/testing`, tests only). */
export * from './stock-fixture';
