import { ErrorCode } from '@bff/platform';
import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode, type ValidationRule } from 'graphql';
import { fragmentsOf } from './fragments';
import { limitExceeded } from './limit-error';

/**
 * Limits the deferred fragments (`@defer` on an inline fragment or a fragment spread) of one
 * operation, named fragments expanded where they are used. Why: each deferred fragment is a
 * part of the reply the BFF keeps a request open for, usually with fetches of its own; a page
 * defers its slow corner or two, not dozens. A limit of 0 means the client does not use @defer.
 */
export function MaxDeferredFragmentsRule(maxDeferredFragments: number): ValidationRule {
  return (context) => ({
    Document(document) {
      const fragments = fragmentsOf(document);
      const inFragment = new Map<string, number>();
      const countIn = (selectionSet: SelectionSetNode, visiting: Set<string>): number => {
        let count = 0;
        for (const selection of selectionSet.selections) {
          const deferred = selection.directives?.some((d) => d.name.value === 'defer') ? 1 : 0;
          if (selection.kind === Kind.FIELD) {
            if (selection.selectionSet) count += countIn(selection.selectionSet, visiting);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            count += deferred + countIn(selection.selectionSet, visiting);
          } else {
            count += deferred + countFragment(fragments.get(selection.name.value), visiting);
          }
        }
        return count;
      };
      const countFragment = (fragment: FragmentDefinitionNode | undefined, visiting: Set<string>): number => {
        // Unknown or cyclic fragments are GraphQL validation's to refuse.
        if (!fragment || visiting.has(fragment.name.value)) return 0;
        const known = inFragment.get(fragment.name.value);
        if (known !== undefined) return known;
        visiting.add(fragment.name.value);
        const count = countIn(fragment.selectionSet, visiting);
        visiting.delete(fragment.name.value);
        inFragment.set(fragment.name.value, count);
        return count;
      };
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const measured = countIn(definition.selectionSet, new Set());
        if (measured === 0 || measured <= maxDeferredFragments) continue;
        context.reportError(
          maxDeferredFragments === 0
            ? new GraphQLError(`This client does not use @defer (its policy's limits.maxDeferredFragments is 0); the operation defers ${measured} fragment${measured === 1 ? '' : 's'}.`, {
                extensions: { code: ErrorCode.DEFER_NOT_ALLOWED, http: { status: 400 } },
              })
            : limitExceeded(ErrorCode.DEFER_LIMIT_EXCEEDED, 'Number of deferred fragments', 'maxDeferredFragments', maxDeferredFragments, measured),
        );
      }
      return false;
    },
  });
}
