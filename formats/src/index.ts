/**
 * @bff/formats: the formats that the schema toolchain, the BFFs and the clients share, and
 * nothing else; it imports no other package of this repository. Public surface: the list
 * of clients and where their files are (`CLIENTS`, `clientFiles`), `ClientPolicy` and its
 * reader, the persisted-query manifest (`readManifest`, `sha256Hex`), `Money`, and the usage report
 * (`UsageReport`, `operationCoordinates`).
 */
export * from './clients';
export * from './client-policy';
export * from './persisted-query-manifest';
export * from './release-window';
export * from './supergraph-for-gateway';
export * from './usage-report';
export * from './money';
