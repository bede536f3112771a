import { Kind, type DirectiveNode, type DocumentNode, type ValueNode } from 'graphql';

/**
 * What the supergraph says about cost: `@cost(weight:)` on fields and types, and
 * `@listSize(assumedSize:, slicingArguments:, sizedFields:)` on list fields. Read once from
 * the supergraph SDL (the API schema does not carry these directives).
 */
export interface ListSizeDirective {
  assumedSize?: number;
  slicingArguments?: string[];
  /** For connection-shaped results: the child list fields the slicing size applies to. */
  sizedFields?: string[];
}

export interface CostModel {
  /** `Type.field` → weight. */
  fieldWeights: Map<string, number>;
  /** Type name → weight of each object of that type. */
  typeWeights: Map<string, number>;
  /** `Type.field` → its @listSize. */
  listSizes: Map<string, ListSizeDirective>;
}

function argument(directive: DirectiveNode, name: string): ValueNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

const intOf = (value: ValueNode | undefined) => (value?.kind === Kind.INT ? Number(value.value) : undefined);
const stringsOf = (value: ValueNode | undefined) =>
  value?.kind === Kind.LIST ? value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : undefined;

export function costModelFromSupergraph(supergraph: DocumentNode): CostModel {
  const model: CostModel = { fieldWeights: new Map(), typeWeights: new Map(), listSizes: new Map() };
  for (const definition of supergraph.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    for (const directive of definition.directives ?? []) {
      const weight = directive.name.value === 'cost' ? intOf(argument(directive, 'weight')) : undefined;
      if (weight !== undefined) model.typeWeights.set(typeName, weight);
    }
    if (!('fields' in definition) || !definition.fields) continue;
    for (const field of definition.fields) {
      const coordinate = `${typeName}.${field.name.value}`;
      for (const directive of field.directives ?? []) {
        if (directive.name.value === 'cost') {
          const weight = intOf(argument(directive, 'weight'));
          if (weight !== undefined) model.fieldWeights.set(coordinate, weight);
        } else if (directive.name.value === 'listSize') {
          model.listSizes.set(coordinate, {
            assumedSize: intOf(argument(directive, 'assumedSize')),
            slicingArguments: stringsOf(argument(directive, 'slicingArguments')),
            sizedFields: stringsOf(argument(directive, 'sizedFields')),
          });
        }
      }
    }
  }
  return model;
}
