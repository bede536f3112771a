import { useMutation } from '@apollo/client/react';
import { useRef } from 'react';
import { ErrorCode, hasErrorCode, isConnectionFailure } from '../apollo/error-codes';
import { PlaceOrderDocument, type OrderLineInput } from '../gql/graphql';
import { THUMBNAIL_DPR } from '../theme';
import { newIdempotencyKey } from './idempotency-key';

export type PlaceOrderOutcome =
  | { kind: 'placed'; orderId: string }
  /** Fewer units are available than asked for; nothing was ordered. */
  | { kind: 'out-of-stock' }
  /**
   * No answer even after retrying: the order may or may not exist. Placing it again is safe
   * (the same key comes back with the order if the first attempt got through).
   */
  | { kind: 'not-confirmed' }
  /** The app is already showing the sign-in screen. */
  | { kind: 'sign-in-required' }
  /** Refused for another reason; nothing was ordered. */
  | { kind: 'failed' };

/** An order attempt: these lines, and the idempotency key every send of them carries. */
interface Attempt {
  lines: string;
  idempotencyKey: string;
}

/**
 * Places orders so that a dropped connection never orders twice. Each order attempt gets
 * one idempotency key; retry-link.ts sends the mutation again with it after a network
 * failure, and if even that fails, the next press on "Place order" for the same lines is
 * the same attempt again with the same key. The attempt ends with an answer: the order,
 * or a refusal (nothing was ordered), after which a press is a new attempt.
 */
export function usePlaceOrder(): { placeOrder(lines: OrderLineInput[]): Promise<PlaceOrderOutcome>; placing: boolean } {
  const [mutate, { loading }] = useMutation(PlaceOrderDocument);
  const attempt = useRef<Attempt | null>(null);

  const placeOrder = async (lines: OrderLineInput[]): Promise<PlaceOrderOutcome> => {
    const signature = JSON.stringify(lines);
    if (attempt.current?.lines !== signature) attempt.current = { lines: signature, idempotencyKey: newIdempotencyKey() };
    const { idempotencyKey } = attempt.current;
    try {
      const { data } = await mutate({ variables: { input: { idempotencyKey, lines }, dpr: THUMBNAIL_DPR }, context: { idempotent: true } });
      attempt.current = null;
      return data ? { kind: 'placed', orderId: data.placeOrder.id } : { kind: 'failed' };
    } catch (error) {
      if (isConnectionFailure(error)) return { kind: 'not-confirmed' };
      attempt.current = null;
      if (hasErrorCode(error, ErrorCode.OUT_OF_STOCK)) return { kind: 'out-of-stock' };
      if (hasErrorCode(error, ErrorCode.UNAUTHENTICATED)) return { kind: 'sign-in-required' };
      return { kind: 'failed' };
    }
  };

  return { placeOrder, placing: loading };
}
