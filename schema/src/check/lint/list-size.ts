import { getNullableType, isInterfaceType, isListType, isObjectType, Kind, parse } from 'graphql';
import type { LintRule } from './lint-rule';

/**
 * Every list a client can select has `@listSize`, or is sized by its parent's (a
 * connection's `edges`/`nodes`): without it, cost limits fall back to a guess.
 */
export const listSizeRule: LintRule = {
  name: 'list-size',
  scope: 'new-elements',
  check: ({ proposed, supergraphSdl }) => {
    const sized = new Set<string>();
    const sizedByParent = new Set<string>();
    for (const definition of parse(supergraphSdl).definitions) {
      if (!('fields' in definition) || !definition.fields || !('name' in definition) || !definition.name) continue;
      for (const field of definition.fields) {
        const listSize = field.directives?.find((d) => d.name.value === 'listSize');
        if (!listSize) continue;
        sized.add(`${definition.name.value}.${field.name.value}`);
        const sizedFields = listSize.arguments?.find((a) => a.name.value === 'sizedFields')?.value;
        let target = field.type;
        while (target.kind !== Kind.NAMED_TYPE) target = target.type;
        if (sizedFields?.kind === Kind.LIST) {
          for (const value of sizedFields.values) if (value.kind === Kind.STRING) sizedByParent.add(`${target.name.value}.${value.value}`);
        }
      }
    }
    const problems: { coordinate: string; message: string }[] = [];
    for (const type of Object.values(proposed.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (isListType(getNullableType(field.type)) && !sized.has(coordinate) && !sizedByParent.has(coordinate)) {
          problems.push({ coordinate, message: `list field ${coordinate} has no @listSize` });
        }
      }
    }
    return problems;
  },
};
