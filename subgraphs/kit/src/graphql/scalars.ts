import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { ErrorCode } from '@bff/platform';

/** ISO-8601 instants in UTC, e.g. `2026-03-01T12:00:00.000Z`. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant in time, serialised as an ISO-8601 string in UTC.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue(value) {
    return parseDate(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalidDate('a non-string literal');
    return parseDate(ast.value);
  },
});

function parseDate(value: unknown): Date {
  if (typeof value !== 'string') throw invalidDate(typeof value);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalidDate(JSON.stringify(value));
  return date;
}

function invalidDate(got: string): GraphQLError {
  return new GraphQLError(`DateTime expects an ISO-8601 string, got ${got}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT },
  });
}
