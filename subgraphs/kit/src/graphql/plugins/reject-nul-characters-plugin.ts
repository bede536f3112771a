import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import { ErrorCode } from '@bff/platform';

const NUL = '\u0000';

function variablesContainNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (Array.isArray(value)) return value.some(variablesContainNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, inner]) => key.includes(NUL) || variablesContainNul(inner));
  }
  return false;
}

function documentContainsNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes(NUL)) found = true;
    },
  });
  return found;
}

/**
 * Refuses string input containing the NUL character (U+0000) with BAD_USER_INPUT.
 * PostgreSQL cannot store or compare it in `text`, so without this guard any argument
 * that reaches SQL (an id, a search term) would turn a bad request into a server error.
 */
export function rejectNulCharactersPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          if (variablesContainNul(request.variables) || documentContainsNul(document)) {
            throw new GraphQLError('String arguments must not contain the NUL character (U+0000).', {
              extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
