import { ErrorCode } from '@bff/platform';
import type { ValidationRule } from 'graphql';
import { limitExceeded } from './limit-error';

/**
 * Limits the directives written in one document (`@include`, `@skip`, `@defer`, and any
 * other, known or not). Why: each directive costs validation work, and each unknown one its
 * own error, so a document that piles hundreds of them on one field (graphql-cop's
 * "directive overloading") makes the server work and answer at length for nothing. Checked
 * with the other cheap rules, before GraphQL's full validation.
 */
export function MaxDirectivesRule(maxDirectives: number): ValidationRule {
  return (context) => {
    let measured = 0;
    return {
      Directive() {
        measured += 1;
      },
      Document: {
        leave() {
          if (measured > maxDirectives) context.reportError(limitExceeded(ErrorCode.DIRECTIVE_LIMIT_EXCEEDED, 'Number of directives', 'maxDirectives', maxDirectives, measured));
        },
      },
    };
  };
}
