import { isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import type { LintRule } from './lint-rule';

const PASCAL = /^[A-Z][A-Za-z0-9]*$/;
const CAMEL = /^[a-z][A-Za-z0-9]*$/;
const SCREAMING = /^[A-Z][A-Z0-9_]*$/;

/** Types in PascalCase, fields and arguments in camelCase, enum values in SCREAMING_CASE. */
export const namingRule: LintRule = {
  name: 'naming',
  scope: 'new-elements',
  check: ({ proposed }) => {
    const problems: { coordinate: string; message: string }[] = [];
    for (const type of Object.values(proposed.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (!PASCAL.test(type.name)) problems.push({ coordinate: type.name, message: `type ${type.name} should be PascalCase` });
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          const coordinate = `${type.name}.${field.name}`;
          if (!CAMEL.test(field.name)) problems.push({ coordinate, message: `field ${coordinate} should be camelCase` });
          for (const arg of 'args' in field ? field.args : []) {
            if (!CAMEL.test(arg.name)) problems.push({ coordinate: `${coordinate}(${arg.name}:)`, message: `argument ${arg.name} should be camelCase` });
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) {
          if (!SCREAMING.test(value.name)) problems.push({ coordinate: `${type.name}.${value.name}`, message: `enum value ${value.name} should be SCREAMING_CASE` });
        }
      }
    }
    return problems;
  },
};
