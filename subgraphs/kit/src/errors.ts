import { GraphQLError } from 'graphql';

/**
 * Every error a subgraph raises on purpose carries one of these codes in
 * `extensions.code`. Clients and the BFFs branch on the code, never on the message,
 * so a code, once shipped, never changes meaning.
 */
export enum ErrorCode {
  /** An argument or input value is invalid; `extensions.field` names it. */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** The operation needs a signed-in user and the request carries none. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The user is known but may not read or change this object. */
  FORBIDDEN = 'FORBIDDEN',
  /** The object does not exist (or the caller may not know that it exists). */
  NOT_FOUND = 'NOT_FOUND',
  /** The object exists but is in a state that does not allow the change. */
  CONFLICT = 'CONFLICT',
  /** The HTTP request itself is malformed (bad JSON, wrong content type, too large). */
  BAD_REQUEST = 'BAD_REQUEST',
  /** Anything unexpected; the message is masked and the details are logged. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export function badUserInput(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, field } });
}

export function unauthenticated(message = 'You must be signed in to do this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NOT_FOUND } });
}

export function conflict(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT } });
}
