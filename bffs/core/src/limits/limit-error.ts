import { GraphQLError } from 'graphql';
import { rejection, type ErrorCode, type Rejection } from '@bff/platform';

export function limitMessage(what: string, limitName: string, limit: number, measured: number): string {
  return `${what} is ${measured}, over this client's limit of ${limit} (${limitName}).`;
}

/** The same, for limits checked outside GraphQL validation (tokens, batch size). */
export function limitRejection(code: ErrorCode, what: string, limitName: string, limit: number, measured: number): Rejection {
  return rejection(400, code, limitMessage(what, limitName, limit, measured), { details: { limit, measured } });
}

/**
 * The error every limit raises: HTTP 400, a stable code, and a message that names the limit
 * and the measured value, so a client developer can see at once what to change.
 */
export function limitExceeded(code: ErrorCode, what: string, limitName: string, limit: number, measured: number): GraphQLError {
  return new GraphQLError(limitMessage(what, limitName, limit, measured), {
    extensions: { code, limit, measured, http: { status: 400 } },
  });
}
