import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { clientFiles, type PersistedQueryManifest } from './bff-formats';

/**
 * The manifest's operations that do not validate against the mobile API schema, one line
 * each. The BFF validates every supported release at start-up and refuses to start on
 * such an operation, and the registry refuses to store it: a release must not freeze one.
 */
export function invalidOperations(manifest: PersistedQueryManifest): string[] {
  const schema = buildSchema(readFileSync(clientFiles('mobile').apiSchemaFile, 'utf8'));
  return manifest.operations.flatMap((operation) => {
    const errors = validate(schema, parse(operation.body));
    return errors.length > 0 ? [`${operation.name}: ${errors.map((e) => e.message).join('; ')}`] : [];
  });
}
