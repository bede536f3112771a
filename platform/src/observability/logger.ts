import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/telemetry-config';

export type { Logger } from 'pino';

/**
 * Keys that may hold a credential wherever they turn up in a logged object. Request lines
 * are built from chosen fields and never carry headers; this is the net under that rule.
 */
const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'headers["x-gateway-credential"]',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-gateway-credential"]',
  'password',
  'token',
  'secret',
];

/**
 * Lines are written to stdout in batches of about 4 KiB, and at least every
 * `LOG_FLUSH_INTERVAL_MS`, on libuv's thread pool. Writing each line as it came (pino's
 * default) woke a thread-pool thread for nearly every request, and then the event loop again
 * when the write completed: wake-ups that a busy gateway does not need to pay per request.
 * On exit, crash included, pino flushes what is buffered synchronously; only a process killed
 * outright (SIGKILL, the OOM killer) can lose the last interval's lines.
 */
const LOG_BATCH_BYTES = 4096;
const LOG_FLUSH_INTERVAL_MS = 250;

/** stdout, written as described above. */
function bufferedStdout(): DestinationStream {
  const stdout = pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES });
  // sonic-boom's own periodicFlush writes even when nothing is buffered; this flushes only lines.
  let unflushed = false;
  setInterval(() => {
    if (!unflushed) return;
    unflushed = false;
    stdout.flush();
  }, LOG_FLUSH_INTERVAL_MS).unref();
  return {
    write(line: string) {
      unflushed = true;
      stdout.write(line);
    },
  };
}

/** One JSON object per line on stdout (or `destination`), every line naming its service. */
export function createLogger(service: string, level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    // pid and host tell replicas (pods) and cluster workers apart.
    base: { service, pid: process.pid, host: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return pino(options, destination ?? bufferedStdout());
}

/** What servers built without a logger (most tests) log to: nothing. */
export const SILENT_LOGGER: Logger = pino({ level: 'silent' });
