import { ErrorCode, rejection, type Rejection } from '@bff/platform';

/** Why a subscription ended on the BFF's side (none: its subgraph ended it, or the client went away). */
export type EndReason = 'drain' | 'expired' | 'closed';

/** One open subscription's hold on the BFF's limits, and the signal that ends it. */
export interface SubscriptionTicket {
  /** Aborted when the BFF drains, the caller's token expires, or `close` is called. */
  readonly signal: AbortSignal;
  /** Why it was ended, once it was. */
  reason(): EndReason | undefined;
  /** Gives the slot back (idempotent); the client went away or the stream ended. */
  close(): void;
}

export interface SubscriptionOwner {
  /** The connection it is open on (a WebSocket, or the socket of an SSE stream). */
  connection: object;
  /** Whose it is: a user id, or an anonymous caller's address. */
  user: string;
  /** When the caller's token expires (ms since the epoch): the subscription ends then. */
  expiresAt?: number;
}

export interface SubscriptionLimits {
  maxSubscriptionsPerConnection: number;
  maxSubscriptionsPerUser: number;
}

/**
 * The subscriptions open on one BFF replica, counted per connection and per user against
 * the client's policy, each ended when its caller's token expires, and all of them ended
 * when the BFF drains (the transports then send `complete`, and a client subscribes again
 * at another replica).
 */
export class OpenSubscriptions {
  private readonly perConnection = new WeakMap<object, number>();
  private readonly perUser = new Map<string, number>();
  private readonly open = new Set<{ end(reason: EndReason): void }>();
  private draining = false;

  constructor(private readonly limits: SubscriptionLimits) {}

  /** How many are open now. */
  size(): number {
    return this.open.size;
  }

  /** A slot for one more subscription of `owner`, or the refusal (policy off, a limit reached, the BFF draining). */
  admit(owner: SubscriptionOwner): SubscriptionTicket | Rejection {
    const { maxSubscriptionsPerConnection: perConnectionLimit, maxSubscriptionsPerUser: perUserLimit } = this.limits;
    if (perConnectionLimit === 0 || perUserLimit === 0) {
      return rejection(400, ErrorCode.SUBSCRIPTIONS_NOT_ALLOWED, "This client does not use subscriptions (its policy's limits.maxSubscriptionsPerConnection is 0).");
    }
    if (this.draining) return rejection(503, ErrorCode.SERVICE_UNAVAILABLE, 'This BFF replica is shutting down; subscribe again.', { headers: { 'retry-after': '1' } });
    const onConnection = this.perConnection.get(owner.connection) ?? 0;
    if (onConnection >= perConnectionLimit) return limitReached('on one connection', 'maxSubscriptionsPerConnection', perConnectionLimit, onConnection + 1);
    const ofUser = this.perUser.get(owner.user) ?? 0;
    if (ofUser >= perUserLimit) return limitReached('for one user', 'maxSubscriptionsPerUser', perUserLimit, ofUser + 1);
    this.perConnection.set(owner.connection, onConnection + 1);
    this.perUser.set(owner.user, ofUser + 1);

    const controller = new AbortController();
    let ended: EndReason | undefined;
    let released = false;
    let expiry: NodeJS.Timeout | undefined;
    const release = () => {
      if (released) return;
      released = true;
      if (expiry) clearTimeout(expiry);
      this.open.delete(entry);
      this.perConnection.set(owner.connection, (this.perConnection.get(owner.connection) ?? 1) - 1);
      const left = (this.perUser.get(owner.user) ?? 1) - 1;
      if (left > 0) this.perUser.set(owner.user, left);
      else this.perUser.delete(owner.user);
    };
    const entry = {
      end: (reason: EndReason) => {
        ended ??= reason;
        release();
        controller.abort();
      },
    };
    this.open.add(entry);
    if (owner.expiresAt !== undefined) {
      // setTimeout holds at most 2^31-1 ms (about 24.8 days); a token outliving that is checked again then.
      const arm = () => {
        const left = owner.expiresAt! - Date.now();
        if (left <= 0) return entry.end('expired');
        expiry = setTimeout(arm, Math.min(left, 2 ** 31 - 1));
        expiry.unref();
      };
      arm();
    }
    return { signal: controller.signal, reason: () => ended, close: () => entry.end('closed') };
  }

  /** Ends every open subscription (their transports send `complete`) and refuses new ones. */
  drain(): void {
    this.draining = true;
    for (const entry of [...this.open]) entry.end('drain');
  }
}

function limitReached(where: string, limitName: string, limit: number, measured: number): Rejection {
  return rejection(429, ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, `At most ${limit} subscriptions may be open at once ${where} (limits.${limitName}).`, { details: { limit, measured } });
}
