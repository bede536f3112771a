import {
  findBreakingChanges,
  findDangerousChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { SchemaChange } from './types';

const REASONS: Record<string, string> = {
  TYPE_REMOVED: 'operations that name the type no longer validate',
  TYPE_CHANGED_KIND: 'selections written for the old kind no longer validate',
  TYPE_REMOVED_FROM_UNION: 'fragments on that member never match again',
  VALUE_REMOVED_FROM_ENUM: 'clients sending or expecting the value break',
  REQUIRED_INPUT_FIELD_ADDED: 'existing inputs lack the new required field',
  IMPLEMENTED_INTERFACE_REMOVED: 'fragments on the interface no longer match this type',
  FIELD_REMOVED: 'operations selecting the field no longer validate',
  FIELD_CHANGED_KIND: 'clients may get values or nulls they were not written for',
  REQUIRED_ARG_ADDED: 'existing calls lack the new required argument',
  ARG_REMOVED: 'operations passing the argument no longer validate',
  ARG_CHANGED_KIND: 'existing argument values may no longer be accepted',
  DIRECTIVE_REMOVED: 'operations using the directive no longer validate',
  DIRECTIVE_ARG_REMOVED: 'operations passing the argument no longer validate',
  REQUIRED_DIRECTIVE_ARG_ADDED: 'existing uses lack the new required argument',
  DIRECTIVE_REPEATABLE_REMOVED: 'operations repeating the directive no longer validate',
  DIRECTIVE_LOCATION_REMOVED: 'operations using it there no longer validate',
  VALUE_ADDED_TO_ENUM: 'clients with exhaustive switches may meet a value they do not know',
  TYPE_ADDED_TO_UNION: 'clients may meet a member they have no fragment for',
  OPTIONAL_INPUT_FIELD_ADDED: 'harmless for clients; servers must handle its absence',
  OPTIONAL_ARG_ADDED: 'harmless for clients; the default decides old calls',
  IMPLEMENTED_INTERFACE_ADDED: 'clients may meet the type where they expected others',
  ARG_DEFAULT_VALUE_CHANGE: 'calls that omit the argument now get different results',
};

/**
 * The client's proposed API schema against the last published one: every change,
 * classified. Breaking and dangerous come from graphql-js; additions (new types, fields,
 * enum values…) are safe: no existing operation can depend on what did not exist.
 */
export function classifyChanges(published: GraphQLSchema, proposed: GraphQLSchema): SchemaChange[] {
  const changes: SchemaChange[] = [
    ...findBreakingChanges(published, proposed).map((c) => ({
      severity: 'breaking' as const,
      code: c.type,
      description: c.description,
      reason: REASONS[c.type] ?? 'existing operations may break',
      coordinate: affectedCoordinate(c.type, c.description, published),
    })),
    ...findDangerousChanges(published, proposed).map((c) => ({
      severity: 'dangerous' as const,
      code: c.type,
      description: c.description,
      reason: REASONS[c.type] ?? 'existing operations may behave differently',
      coordinate: affectedCoordinate(c.type, c.description, published),
    })),
  ];
  const before = coordinates(published);
  for (const [coordinate, kind] of coordinates(proposed)) {
    if (before.has(coordinate)) continue;
    // Enum values added are already "dangerous" above; do not list them twice.
    if (kind === 'ENUM_VALUE') continue;
    changes.push({ severity: 'safe', code: `${kind}_ADDED`, description: `${coordinate} was added.`, reason: 'no existing operation can depend on it' });
  }
  return changes;
}

/**
 * The schema coordinate whose users feel a change (`Type`, `Type.field`, `Type.field.arg`),
 * as BFF usage reports name them (`operationCoordinates` in formats). graphql-js names what
 * changed only in its description, in a fixed wording per change type, read here. A change to
 * an input type is felt by every operation that passes that type, which may pass it as a
 * variable, so it is matched by the type. Directive changes have no coordinate: operations
 * are not reported by the directives they use.
 */
export function affectedCoordinate(code: string, description: string, published: GraphQLSchema): string | undefined {
  if (code.startsWith('DIRECTIVE_') || code.startsWith('REQUIRED_DIRECTIVE_')) return undefined;
  const inputAware = (typeName: string, coordinate: string) => (isInputObjectType(published.getType(typeName)) ? typeName : coordinate);
  let match: RegExpExecArray | null;
  if ((match = /^An? (?:required|optional) arg \S+ on (\w+)\.(\w+) was added/.exec(description))) return `${match[1]}.${match[2]}`;
  if ((match = /^(\w+)\.(\w+) arg (\w+) has changed defaultValue/.exec(description))) return `${match[1]}.${match[2]}`;
  if ((match = /^(\w+)\.(\w+) arg (\w+) /.exec(description))) return `${match[1]}.${match[2]}.${match[3]}`;
  if ((match = /^(\w+)\.(\w+) (?:was removed|changed type)/.exec(description))) return inputAware(match[1]!, `${match[1]}.${match[2]}`);
  if ((match = /on input type (\w+) was added/.exec(description))) return match[1];
  if ((match = /(?:from|to) (?:union|enum) type (\w+)\.$/.exec(description))) return match[1];
  if ((match = /^(\w+) added to interfaces implemented by/.exec(description))) return match[1];
  if ((match = /^Standard scalar (\w+) was removed/.exec(description))) return match[1];
  if ((match = /^(\w+) (?:no longer implements|changed from|was removed)/.exec(description))) return match[1];
  return undefined;
}

function coordinates(schema: GraphQLSchema): Map<string, string> {
  const found = new Map<string, string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    found.set(type.name, 'TYPE');
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) found.set(`${type.name}.${field.name}`, 'FIELD');
    }
    if (isEnumType(type)) for (const value of type.getValues()) found.set(`${type.name}.${value.name}`, 'ENUM_VALUE');
  }
  return found;
}
