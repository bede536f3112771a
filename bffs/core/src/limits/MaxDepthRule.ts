import { ErrorCode } from '@bff/platform';
import { Kind, type ValidationRule } from 'graphql';
import { fragmentsOf, isIntrospection, measureWithFragments } from './fragments';
import { limitExceeded } from './limit-error';

/**
 * Limits how deep selections nest (`{ a { b { c } } }` is 3), fragments expanded.
 * Why: each level can fan out into another subgraph fetch and another list; depth is the
 * cheapest bound on how much work one document can ask for. Introspection (`__schema`,
 * `__type`, `__typename`) is not counted: tools need it and it never reaches a subgraph.
 */
export function MaxDepthRule(maxDepth: number): ValidationRule {
  return (context) => ({
    Document(document) {
      const depth = measureWithFragments(
        fragmentsOf(document),
        (field, inner) => (isIntrospection(field.name.value) ? 0 : 1 + (field.selectionSet ? inner(field.selectionSet) : 0)),
        (values) => Math.max(0, ...values),
      );
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const measured = depth(definition.selectionSet);
        if (measured > maxDepth) {
          context.reportError(limitExceeded(ErrorCode.DEPTH_LIMIT_EXCEEDED, 'Query depth', 'maxDepth', maxDepth, measured));
        }
      }
      return false;
    },
  });
}
