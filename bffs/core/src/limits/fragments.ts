import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/**
 * Folds a measure over a selection set with fragments expanded, computing each fragment
 * once (memoised), so nested fragment spreads cannot make the measurement itself
 * exponential. A fragment cycle measures as 0 here; the spec's NoFragmentCycles rule
 * rejects the document later.
 */
export function measureWithFragments(
  fragments: Map<string, FragmentDefinitionNode>,
  measureField: (field: import('graphql').FieldNode, inner: (set: SelectionSetNode) => number) => number,
  combine: (values: number[]) => number,
): (set: SelectionSetNode) => number {
  const memo = new Map<string, number>();
  const inProgress = new Set<string>();
  const measure = (set: SelectionSetNode): number =>
    combine(
      set.selections.map((selection) => {
        switch (selection.kind) {
          case Kind.FIELD:
            return measureField(selection, measure);
          case Kind.INLINE_FRAGMENT:
            return measure(selection.selectionSet);
          case Kind.FRAGMENT_SPREAD: {
            const name = selection.name.value;
            const cached = memo.get(name);
            if (cached !== undefined) return cached;
            const fragment = fragments.get(name);
            if (!fragment || inProgress.has(name)) return 0;
            inProgress.add(name);
            const value = measure(fragment.selectionSet);
            inProgress.delete(name);
            memo.set(name, value);
            return value;
          }
        }
      }),
    );
  return measure;
}

export const isIntrospection = (name: string) => name.startsWith('__');
