import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '@bff/platform';
import { Kind, parse } from 'graphql';

/**
 * Names of the client's registered operations (`schema/operations/<client>/`, the ones the
 * schema checks hold to every change): the operation names a BFF's metrics always keep as
 * their own label value. None when the directory is absent (a BFF on someone else's supergraph).
 */
export function registeredOperationNames(client: string, root = REPO_ROOT): Set<string> {
  const directory = resolve(root, 'schema', 'operations', client);
  let files: string[];
  try {
    files = readdirSync(directory).filter((f) => f.endsWith('.graphql'));
  } catch {
    return new Set();
  }
  const names = new Set<string>();
  for (const file of files) {
    try {
      for (const definition of parse(readFileSync(join(directory, file), 'utf8')).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.add(definition.name.value);
      }
    } catch {
      // The schema checks report a broken operation file; metrics just fold its names.
    }
  }
  return names;
}
