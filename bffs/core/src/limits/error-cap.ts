import { ErrorCode } from '@bff/platform';
import type { GraphQLFormattedError } from 'graphql';

/**
 * At most this many errors in one reply (validation stops there too): a client needs the
 * first few to fix its operation, and a document built to fail a thousand ways must not
 * buy a reply a thousand errors long.
 */
export const MAX_ERRORS_PER_REPLY = 20;

/** The errors of one reply, the ones past the cap replaced by one that says how many were left out. */
export function capErrors(errors: GraphQLFormattedError[]): GraphQLFormattedError[] {
  if (errors.length <= MAX_ERRORS_PER_REPLY) return errors;
  const omitted = errors.length - (MAX_ERRORS_PER_REPLY - 1);
  return [
    ...errors.slice(0, MAX_ERRORS_PER_REPLY - 1),
    { message: `${omitted} more errors were left out of this reply.`, extensions: { code: ErrorCode.ERRORS_TRUNCATED, omitted } },
  ];
}
