import { GraphQLError } from 'graphql';
import type { ErrorCode } from '@subgraphs/kit';

/**
 * The error every limit raises: HTTP 400, a stable code, and a message that names the limit
 * and the measured value, so a client developer can see at once what to change.
 */
export function limitExceeded(code: ErrorCode, what: string, limitName: string, limit: number, measured: number): GraphQLError {
  return new GraphQLError(`${what} is ${measured}, over this client's limit of ${limit} (${limitName}).`, {
    extensions: { code, limit, measured, http: { status: 400 } },
  });
}
