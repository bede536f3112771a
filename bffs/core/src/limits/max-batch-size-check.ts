import { ErrorCode, rejection, type Rejection } from '@subgraphs/kit';
import { limitRejection } from './limit-error';

/**
 * Limits the operations in one HTTP batch (a JSON array body). Why: a batch multiplies
 * every other limit by its length; a client that does not batch (maxBatchSize 1) gets a
 * clear refusal instead of an array it never meant to send being run.
 */
export function maxBatchSizeCheck(size: number, maxBatchSize: number): Rejection | undefined {
  if (size === 0) return rejection(400, ErrorCode.BAD_REQUEST, 'An HTTP batch must contain at least one operation.');
  if (size <= maxBatchSize) return undefined;
  const what = `Number of operations in the batch${maxBatchSize === 1 ? ' (this client does not batch)' : ''}`;
  return limitRejection(ErrorCode.BATCH_LIMIT_EXCEEDED, what, 'maxBatchSize', maxBatchSize, size);
}
