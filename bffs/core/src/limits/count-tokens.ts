import { Lexer, Source, TokenKind } from 'graphql';

/**
 * Counts the lexical tokens of a document without parsing it (lexing is linear and
 * allocates little), stopping at `stopAfter`. Returns undefined if the text does not lex:
 * the parser will then report the syntax error itself.
 */
export function countTokens(text: string, stopAfter: number): number | undefined {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count += 1;
      if (count >= stopAfter) return count;
    }
  } catch {
    return undefined;
  }
  return count;
}
