import { isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { LintRule } from './lint-rule';

function fields(schema: GraphQLSchema): Map<string, string | null | undefined> {
  const found = new Map<string, string | null | undefined>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))) continue;
    for (const field of Object.values(type.getFields())) found.set(`${type.name}.${field.name}`, field.deprecationReason);
  }
  return found;
}

/** A field leaves the API only after a published version marked it `@deprecated`: clients get warned first. */
export const removalWithoutDeprecationRule: LintRule = {
  name: 'removal-without-deprecation',
  scope: 'change',
  check: ({ published, proposed }) => {
    const after = fields(proposed);
    return [...fields(published)]
      .filter(([coordinate, deprecation]) => !after.has(coordinate) && !deprecation)
      .map(([coordinate]) => ({ coordinate, message: `${coordinate} was removed without being @deprecated in the published schema first` }));
  },
};
