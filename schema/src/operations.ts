import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { clientFiles, sha256Hex, type PersistedOperation } from '@bff/formats';

export class OperationsError extends Error {
  override name = 'OperationsError';
}

/**
 * A client's registered operations: every `.graphql` file under the app's source directory
 * (`clients/<client>/src`, searched recursively, so operations sit beside the screens that
 * use them). Fragments may live in any of those files. Each operation becomes one persisted
 * operation whose body is the operation plus the fragments it uses, printed canonically,
 * so the same source always hashes to the same id.
 */
export function readOperations(directory: string): PersistedOperation[] {
  const definitions: { file: string; definition: DefinitionNode }[] = [];
  const files = readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.graphql') && !f.split(sep).includes('node_modules'));
  for (const file of files.sort()) {
    let document;
    try {
      document = parse(readFileSync(join(directory, file), 'utf8'));
    } catch (error) {
      throw new OperationsError(`${file}: ${(error as Error).message}`);
    }
    for (const definition of document.definitions) definitions.push({ file, definition });
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const { file, definition } of definitions) {
    if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    if (fragments.has(definition.name.value)) throw new OperationsError(`${file}: fragment ${definition.name.value} is defined twice`);
    fragments.set(definition.name.value, definition);
  }
  const operations: PersistedOperation[] = [];
  const names = new Set<string>();
  for (const { file, definition } of definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const name = definition.name?.value;
    if (!name) throw new OperationsError(`${file}: every registered operation needs a name`);
    if (names.has(name)) throw new OperationsError(`${file}: operation ${name} is defined twice`);
    names.add(name);
    const used = fragmentsUsedBy(definition, fragments, file);
    const body = print({ kind: Kind.DOCUMENT, definitions: [definition, ...used] });
    operations.push({ id: sha256Hex(body), name, type: definition.operation, body });
  }
  return operations.sort((a, b) => a.name.localeCompare(b.name));
}

function fragmentsUsedBy(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  file: string,
): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: DefinitionNode[] = [operation];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const name = node.name.value;
        if (used.has(name)) return;
        const fragment = fragments.get(name);
        if (!fragment) throw new OperationsError(`${file}: fragment ${name} is used but not defined`);
        used.set(name, fragment);
        pending.push(fragment);
      },
    });
  }
  return [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}

/**
 * One registered operation of a client, by name, as it is registered: the operation and the
 * fragments it uses, printed. For tools and tests that send what the app sends; a fragment
 * may live in another file of the app, so reading one `.graphql` file is not enough.
 */
export function clientOperation(client: string, name: string): string {
  const operation = readOperations(clientFiles(client).operationsDir).find((op) => op.name === name);
  if (!operation) throw new OperationsError(`${client} has no registered operation ${name}`);
  return operation.body;
}
