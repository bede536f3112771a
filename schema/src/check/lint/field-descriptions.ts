import { isInterfaceType, isObjectType } from 'graphql';
import type { LintRule } from './lint-rule';

/** Every field a client can select has a description: the API schema is the client team's documentation. */
export const fieldDescriptionsRule: LintRule = {
  name: 'field-descriptions',
  scope: 'new-elements',
  check: ({ proposed }) =>
    Object.values(proposed.getTypeMap())
      .filter((t) => !t.name.startsWith('__') && (isObjectType(t) || isInterfaceType(t)))
      .flatMap((type) =>
        Object.values((type as import('graphql').GraphQLObjectType).getFields())
          .filter((field) => !field.description && field.name !== 'id')
          .map((field) => ({ coordinate: `${type.name}.${field.name}`, message: `${type.name}.${field.name} has no description` })),
      ),
};
