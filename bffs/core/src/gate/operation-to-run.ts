import { ErrorCode, rejection, type Rejection } from '@bff/platform';
import { getOperationAST, Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';

/**
 * The operation a request runs, chosen as graphql-js chooses it (`operationName`, or the
 * document's only operation), or the refusal. Chosen in the gate, before planning: an
 * unresolvable operation would surface from the query planner as an unexpected error (500);
 * and a GET must be refused for a mutation before authorization, so the answer does not
 * depend on whether the caller is signed in.
 */
export function operationToRun(document: DocumentNode, operationName: string | undefined, method: string): OperationDefinitionNode | Rejection {
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const count = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
    const message =
      operationName !== undefined
        ? `Unknown operation named "${operationName}".`
        : count === 0
          ? 'Must provide an operation.'
          : 'Must provide operation name if query contains multiple operations.';
    return rejection(400, ErrorCode.OPERATION_RESOLUTION_FAILURE, message);
  }
  if (method === 'GET' && operation.operation !== 'query') {
    // 405 with Allow: POST, as GraphQL-over-HTTP has it: a GET is safe to repeat and to prefetch.
    return rejection(405, ErrorCode.BAD_REQUEST, `GET requests only support query operations, not ${operation.operation} operations; send it as a POST.`, {
      headers: { allow: 'POST' },
    });
  }
  return operation;
}
