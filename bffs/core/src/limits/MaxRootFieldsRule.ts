import { ErrorCode } from '@bff/platform';
import { Kind, type ValidationRule } from 'graphql';
import { fragmentsOf, isIntrospection, measureWithFragments } from './fragments';
import { limitExceeded } from './limit-error';

/**
 * Limits the fields selected at the root of one operation (fragments expanded). Why: each
 * root field is an independent entry point, usually its own subgraph fetch; a screen needs
 * a handful, a scraper wants hundreds.
 */
export function MaxRootFieldsRule(maxRootFields: number): ValidationRule {
  return (context) => ({
    Document(document) {
      // Only the root level counts: a field contributes 1 and its sub-selection nothing.
      const rootFields = measureWithFragments(
        fragmentsOf(document),
        (field) => (isIntrospection(field.name.value) ? 0 : 1),
        (values) => values.reduce((a, b) => a + b, 0),
      );
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const measured = rootFields(definition.selectionSet);
        if (measured > maxRootFields) {
          context.reportError(
            limitExceeded(ErrorCode.ROOT_FIELD_LIMIT_EXCEEDED, 'Number of root fields', 'maxRootFields', maxRootFields, measured),
          );
        }
      }
      return false;
    },
  });
}
