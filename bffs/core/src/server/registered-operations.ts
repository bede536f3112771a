import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { clientFiles } from '@bff/formats';
import { Kind, parse } from 'graphql';

/**
 * Names of the client's registered operations (every `.graphql` file under `clients/<client>/src`, the ones the
 * schema checks hold to every change): the operation names a BFF's metrics always keep as
 * their own label value. None when the directory is absent (a BFF on someone else's supergraph).
 */
export function registeredOperationNames(client: string, directory = clientFiles(client).operationsDir): Set<string> {
  let files: string[];
  try {
    files = readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.graphql') && !f.split(sep).includes('node_modules'));
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
