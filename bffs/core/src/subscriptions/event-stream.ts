/** A comment line every so often keeps proxies and load balancers from closing a quiet stream (what graphql-sse's own server sends). */
const KEEP_ALIVE_MS = 12_000;

/**
 * Replies as GraphQL over SSE frames, as the graphql-sse client reads them: `event: next`
 * with each reply as its data, a `:` comment while nothing happens, and `event: complete`
 * at the end.
 */
export async function* eventStream(replies: AsyncIterable<string>, keepAliveMs = KEEP_ALIVE_MS): AsyncGenerator<string> {
  const iterator = replies[Symbol.asyncIterator]();
  let pending = iterator.next();
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(() => resolve('tick'), keepAliveMs)));
      const result = await Promise.race([pending, tick]);
      clearTimeout(timer);
      if (result === 'tick') {
        yield ':\n\n';
        continue;
      }
      if (result.done) break;
      yield `event: next\ndata: ${result.value}\n\n`;
      pending = iterator.next();
    }
    yield 'event: complete\ndata:\n\n';
  } finally {
    clearTimeout(timer);
  }
}
