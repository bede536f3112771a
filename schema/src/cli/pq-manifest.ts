import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSchema, parse, validate } from 'graphql';
import type { PersistedQueryManifest } from '@bff/formats';
import { clientArtifacts, CLIENTS } from '../clients';
import { REPO_ROOT } from '@bff/platform';
import { OperationsError, readOperations } from '../operations';

const USAGE = 'usage: npm run pq:manifest -- --client <mobile|web> --version <x.y.z> [--force]';

/**
 * `npm run pq:manifest -- --client mobile --version 1.0.0`: the persisted-query manifest of
 * one app version, from `schema/operations/<client>/`, each operation validated against the
 * client's API schema first. A shipped version's manifest never changes: writing a
 * different one over it needs `--force`.
 */
function main(): number {
  let values;
  try {
    ({ values } = parseArgs({ options: { client: { type: 'string' }, version: { type: 'string' }, force: { type: 'boolean' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const client = values.client;
  if (!client || !CLIENTS.some((c) => c.policy.name === client)) {
    console.error(`--client must be one of ${CLIENTS.map((c) => c.policy.name).join(', ')}\n${USAGE}`);
    return 2;
  }
  if (!values.version || !/^\d+\.\d+\.\d+$/.test(values.version)) {
    console.error(`--version must be an app version like 1.4.0\n${USAGE}`);
    return 2;
  }
  let operations;
  try {
    operations = readOperations(resolve(REPO_ROOT, 'schema', 'operations', client));
  } catch (error) {
    if (error instanceof OperationsError) {
      console.error(`schema/operations/${client}/${error.message}`);
      return 1;
    }
    throw error;
  }
  const apiSchema = buildSchema(readFileSync(clientArtifacts(client).apiSchema, 'utf8'));
  const invalid = operations.flatMap((op) => validate(apiSchema, parse(op.body)).map((e) => `${op.name}: ${e.message}`));
  if (invalid.length > 0) {
    console.error(`Operations that do not validate against the ${client} API schema:\n  ${invalid.join('\n  ')}`);
    return 1;
  }
  const manifest: PersistedQueryManifest = { format: 'apollo-persisted-query-manifest', version: 1, operations };
  const content = `${JSON.stringify(manifest, null, 2)}\n`;
  const file = resolve(REPO_ROOT, 'schema', 'manifests', client, `${values.version}.json`);
  const shown = relative(REPO_ROOT, file);
  if (existsSync(file)) {
    if (readFileSync(file, 'utf8') === content) {
      console.log(`${shown}: up to date (${operations.length} operations)`);
      return 0;
    }
    if (!values.force) {
      console.error(`${shown} exists with other operations; app ${values.version} has shipped with it. Use a new version, or --force.`);
      return 1;
    }
  }
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, content);
  console.log(`${shown}: written (${operations.length} operations)`);
  for (const op of operations) console.log(`  ${op.id}  ${op.type} ${op.name}`);
  return 0;
}

process.exit(main());
