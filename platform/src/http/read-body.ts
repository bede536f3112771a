import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than the limit of ${limit} bytes.`);
  }
}

/** The client went away before its body was complete; there is nobody left to answer. */
export class BodyAbortedError extends Error {
  constructor() {
    super('The client closed the connection before the request body was complete.');
  }
}

/**
 * Reads the whole body, refusing it as soon as it passes `limit` bytes (at once, unread, if
 * `content-length` already says so), so a huge upload costs us at most `limit` bytes of
 * memory and the client hears about it before it has sent the rest.
 *
 * On BodyTooLargeError the rest of the body is left unread and reading is paused: answer,
 * then call `discardRestOfBody`.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Not destroy(): that would take the socket, and the answer with it, down at once.
        stop();
        req.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onAborted = () => {
      stop();
      reject(new BodyAbortedError());
    };
    const onClose = () => {
      if (!req.complete) onAborted();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('close', onClose);
  });
}

/** How much of a refused body is still read (and dropped) after the answer, at most. */
export const LINGER_MAX_BYTES = 1024 * 1024;
export const LINGER_MAX_MS = 2_000;

/**
 * After an early answer (a body over the limit), reads and drops what the client is still
 * sending, up to a bound, then closes the connection. Why not close at once: a client still
 * writing its body would get a reset instead of the answer (the lingering-close problem of
 * every HTTP server). Why the bound: nobody may make us read gigabytes we have refused. A
 * body that ends within the bound leaves the connection usable for the next request.
 */
export function discardRestOfBody(req: IncomingMessage, maxBytes = LINGER_MAX_BYTES, maxMs = LINGER_MAX_MS): void {
  if (req.complete) return;
  let dropped = 0;
  const close = () => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(close, maxMs);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > maxBytes) close();
  });
  req.on('end', () => clearTimeout(timer));
  req.on('error', () => clearTimeout(timer));
  req.resume();
}
