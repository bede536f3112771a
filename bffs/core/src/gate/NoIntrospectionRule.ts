import { GraphQLError, type ValidationContext, type ASTVisitor } from 'graphql';
import { ErrorCode } from '@bff/platform';

/**
 * Refuses `__schema` and `__type` where the client's policy turns introspection off in
 * production (the mobile app needs none; its API schema is nobody else's business). A
 * validation error like any other: 400 `GRAPHQL_VALIDATION_FAILED`.
 */
export function NoIntrospectionRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        context.reportError(
          new GraphQLError(`GraphQL introspection is not allowed by this client's policy, but the query contained ${node.name.value}.`, {
            nodes: node,
            extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED },
          }),
        );
      }
    },
  };
}
