import { ErrorCode, type Rejection } from '@bff/platform';
import { countTokens } from './count-tokens';
import { limitRejection } from './limit-error';

/**
 * Limits the lexical tokens of a document. Why: parsing and validating cost grows with the
 * document; counting tokens first (linear, no tree built) refuses a 100,000-token document
 * for the price of lexing it, before anything else looks at it.
 */
export function maxTokensCheck(query: string, maxTokens: number): Rejection | undefined {
  const tokens = countTokens(query, Number.POSITIVE_INFINITY);
  if (tokens === undefined || tokens <= maxTokens) return undefined;
  return limitRejection(ErrorCode.TOKEN_LIMIT_EXCEEDED, 'Number of tokens', 'maxTokens', maxTokens, tokens);
}
