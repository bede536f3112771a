/** A stream fed by callbacks (a socket's messages, a channel's notifications) and read with `for await`. */
export interface PushedEvents<T> {
  /** Adds an event for the reader; ignored once the stream has ended. */
  push(event: T): void;
  /** Ends the stream: the reader gets what is waiting, then the end. */
  end(): void;
  /** Events waiting to be read. */
  waiting(): number;
  readonly events: AsyncIterableIterator<T>;
}

/**
 * Turns pushed events into an async iterator that a reader consumes at its own pace,
 * ending when `end` is called or the reader stops (`return`, a `break`), whichever comes
 * first; `onStop` runs once, when the reader has stopped or read the end (unsubscribe,
 * close the socket).
 */
export function pushedEvents<T>(onStop: () => Promise<void> | void = () => undefined): PushedEvents<T> {
  const waiting: T[] = [];
  let ended = false;
  let stopped: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const stop = async (): Promise<IteratorResult<T>> => {
    ended = true;
    waiting.length = 0;
    wake?.();
    await (stopped ??= Promise.resolve().then(onStop));
    return { done: true, value: undefined };
  };
  const events: AsyncIterableIterator<T> = {
    next: async () => {
      for (;;) {
        if (waiting.length > 0) return { done: false, value: waiting.shift()! };
        if (ended) return stop();
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    return: stop,
    [Symbol.asyncIterator]: () => events,
  };
  return {
    push: (event) => {
      if (ended) return;
      waiting.push(event);
      wake?.();
    },
    end: () => {
      ended = true;
      wake?.();
    },
    waiting: () => waiting.length,
    events,
  };
}
