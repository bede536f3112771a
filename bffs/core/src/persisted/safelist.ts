import { join } from 'node:path';
import { parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { ManifestError, readManifest, type PersistedQueryManifest } from '@bff/formats';

export interface SafelistedOperation {
  id: string;
  name: string;
  body: string;
  document: DocumentNode;
  /** App versions whose manifest contains it. */
  appVersions: string[];
}

/**
 * The union of the manifests of every supported app version, each operation parsed and
 * validated against the client's API schema once, at start-up: an operation that no longer
 * validates stops the BFF with an error naming it, instead of failing for users later.
 */
export function loadSafelist(manifestsDir: string, appVersions: readonly string[], apiSchema: GraphQLSchema): Map<string, SafelistedOperation> {
  return safelistOf(new Map(appVersions.map((version) => [version, readManifest(join(manifestsDir, `${version}.json`))])), apiSchema);
}

/** The same, from manifests already in hand (registry mode: they come from the registry). */
export function safelistOf(manifests: ReadonlyMap<string, PersistedQueryManifest>, apiSchema: GraphQLSchema): Map<string, SafelistedOperation> {
  const safelist = new Map<string, SafelistedOperation>();
  const problems: string[] = [];
  for (const [version, manifest] of manifests) {
    for (const operation of manifest.operations) {
      const known = safelist.get(operation.id);
      if (known) {
        known.appVersions.push(version);
        continue;
      }
      const document = parse(operation.body);
      const errors = validate(apiSchema, document);
      if (errors.length > 0) {
        problems.push(`${operation.name} (app ${version}, id ${operation.id.slice(0, 12)}…): ${errors.map((e) => e.message).join('; ')}`);
        continue;
      }
      safelist.set(operation.id, { ...operation, document, appVersions: [version] });
    }
  }
  if (problems.length > 0) {
    throw new ManifestError(`Persisted operations that no longer validate against the API schema:\n  ${problems.join('\n  ')}`);
  }
  return safelist;
}
