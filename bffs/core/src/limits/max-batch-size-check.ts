import { ErrorCode, type Rejection } from '@subgraphs/kit';

/**
 * Limits the operations in one HTTP batch (a JSON array body). Why: a batch multiplies
 * every other limit by its length; a client that does not batch (maxBatchSize 1) gets a
 * clear refusal instead of an array it never meant to send being run.
 */
export function maxBatchSizeCheck(size: number, maxBatchSize: number): Rejection | undefined {
  if (size === 0) {
    return { rejected: true, status: 400, code: ErrorCode.BAD_REQUEST, message: 'An HTTP batch must contain at least one operation.' };
  }
  if (size <= maxBatchSize) return undefined;
  const note = maxBatchSize === 1 ? ' (this client does not batch)' : '';
  return {
    rejected: true,
    status: 400,
    code: ErrorCode.BATCH_LIMIT_EXCEEDED,
    message: `Number of operations in the batch is ${size}, over this client's limit of ${maxBatchSize} (maxBatchSize)${note}.`,
    details: { limit: maxBatchSize, measured: size },
  };
}
