import { Kind, type DirectiveNode, type DocumentNode } from 'graphql';

/**
 * What `@authenticated` and `@requiresScopes` in the supergraph ask of a caller, by
 * `Type.field` (and by `Type` for directives on types). Scopes are alternatives of
 * conjunctions: `[["a", "b"], ["c"]]` is (a and b) or c.
 */
export interface AccessRequirement {
  authenticated: boolean;
  scopes: string[][] | null;
}

export type AccessRequirements = Map<string, AccessRequirement>;

function requirementOf(directives: readonly DirectiveNode[] | undefined): AccessRequirement | undefined {
  let authenticated = false;
  let scopes: string[][] | null = null;
  for (const directive of directives ?? []) {
    if (directive.name.value === 'authenticated') authenticated = true;
    if (directive.name.value === 'requiresScopes') {
      const value = directive.arguments?.find((a) => a.name.value === 'scopes')?.value;
      if (value?.kind === Kind.LIST) {
        scopes = value.values.map((group) =>
          group.kind === Kind.LIST ? group.values.flatMap((s) => (s.kind === Kind.STRING ? [s.value] : [])) : [],
        );
      }
    }
  }
  return authenticated || scopes ? { authenticated: authenticated || scopes !== null, scopes } : undefined;
}

export function accessRequirementsFromSupergraph(supergraph: DocumentNode): AccessRequirements {
  const requirements: AccessRequirements = new Map();
  for (const definition of supergraph.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const onType = requirementOf(definition.directives);
    if (onType) requirements.set(definition.name.value, onType);
    if (!('fields' in definition) || !definition.fields) continue;
    for (const field of definition.fields) {
      const onField = requirementOf(field.directives);
      if (onField) requirements.set(`${definition.name.value}.${field.name.value}`, onField);
    }
  }
  return requirements;
}
