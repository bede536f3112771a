import { parse, validate, type GraphQLSchema } from 'graphql';
import type { RegisteredOperation } from './registered-operations';
import type { OperationFinding } from './types';

/** `Cannot query field "x" on type "T"` and kin name the field; collect those coordinates. */
function fieldsNamedBy(message: string): string[] {
  const fields: string[] = [];
  const onType = /field "([^"]+)" on type "([^"]+)"/g;
  for (const match of message.matchAll(onType)) fields.push(`${match[2]}.${match[1]}`);
  const argument = /argument "([^"]+)" on field "([^"]+)"/g;
  for (const match of message.matchAll(argument)) fields.push(`${match[2]}(${match[1]}:)`);
  const unknownType = /Unknown type "([^"]+)"/g;
  for (const match of message.matchAll(unknownType)) fields.push(match[1]!);
  return fields;
}

/** Each registered operation validated against the proposed API schema; the broken ones, explained. */
export function checkOperations(apiSchema: GraphQLSchema, operations: readonly RegisteredOperation[]): OperationFinding[] {
  const broken: OperationFinding[] = [];
  for (const operation of operations) {
    const errors = validate(apiSchema, parse(operation.body));
    if (errors.length === 0) continue;
    broken.push({
      name: operation.name,
      source: operation.source,
      appVersions: operation.appVersions,
      errors: errors.map((e) => ({ message: e.message, fields: fieldsNamedBy(e.message) })),
    });
  }
  return broken;
}
