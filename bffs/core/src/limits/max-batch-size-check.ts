import { ErrorCode, rejection, type Rejection } from '@bff/platform';
import { limitRejection } from './limit-error';

/**
 * Limits the operations in one HTTP batch (a JSON array body). Why: a batch multiplies
 * every other limit by its length; a client that does not batch (maxBatchSize 1) gets a
 * clear refusal for any array, even of one operation, instead of an array it never meant
 * to send being run.
 */
export function maxBatchSizeCheck(size: number, maxBatchSize: number): Rejection | undefined {
  if (maxBatchSize <= 1) {
    return rejection(
      400,
      ErrorCode.BATCH_LIMIT_EXCEEDED,
      `This client does not batch (maxBatchSize ${maxBatchSize}): send one operation per request, as a JSON object, not an array of ${size}.`,
      { details: { limit: maxBatchSize, measured: size } },
    );
  }
  if (size === 0) return rejection(400, ErrorCode.BAD_REQUEST, 'An HTTP batch must contain at least one operation.');
  if (size <= maxBatchSize) return undefined;
  return limitRejection(ErrorCode.BATCH_LIMIT_EXCEEDED, 'Number of operations in the batch', 'maxBatchSize', maxBatchSize, size);
}
