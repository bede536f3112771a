import { ErrorCode } from '@bff/platform';
import { Kind, type ValidationRule } from 'graphql';
import { fragmentsOf, measureWithFragments } from './fragments';
import { limitExceeded } from './limit-error';

/**
 * Limits aliased fields per operation, fragments expanded. Why: aliases let one small
 * document ask for the same expensive field thousands of times (`a1: search … a2: search …`),
 * which depth and root-field limits do not see.
 */
export function MaxAliasesRule(maxAliases: number): ValidationRule {
  return (context) => ({
    Document(document) {
      const aliases = measureWithFragments(
        fragmentsOf(document),
        (field, inner) => (field.alias ? 1 : 0) + (field.selectionSet ? inner(field.selectionSet) : 0),
        (values) => values.reduce((a, b) => a + b, 0),
      );
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const measured = aliases(definition.selectionSet);
        if (measured > maxAliases) {
          context.reportError(limitExceeded(ErrorCode.ALIAS_LIMIT_EXCEEDED, 'Number of aliases', 'maxAliases', maxAliases, measured));
        }
      }
      return false;
    },
  });
}
