/** A cache hint: how long a response may be kept, and by whom. */
export interface CacheHint {
  maxAge?: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

/**
 * A response's cache policy, narrowed by every subgraph reply it is made of (each data
 * source calls `restrict` with its reply's Cache-Control, as @apollo/gateway's do): the
 * shortest max-age wins, and one private part makes the whole response private.
 */
export class CachePolicy {
  maxAge: number | undefined;
  scope: 'PUBLIC' | 'PRIVATE' | undefined;

  restrict(hint: CacheHint): void {
    if (hint.maxAge !== undefined && (this.maxAge === undefined || hint.maxAge < this.maxAge)) this.maxAge = hint.maxAge;
    if (hint.scope !== undefined && this.scope !== 'PRIVATE') this.scope = hint.scope;
  }

  /** The `Cache-Control` value: `max-age=N, public|private`, or `no-store` when nothing said it may be kept. */
  header(): string {
    if (!this.maxAge) return 'no-store';
    return `max-age=${this.maxAge}, ${(this.scope ?? 'PUBLIC').toLowerCase()}`;
  }
}
