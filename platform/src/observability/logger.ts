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
 * One JSON object per line on stdout (or `destination`), every line naming its service.
 * pino writes synchronously to the file descriptor, so a line is never lost to a crash that
 * follows it.
 */
export function createLogger(service: string, level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    // pid and host tell replicas (pods) and cluster workers apart.
    base: { service, pid: process.pid, host: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** What servers built without a logger (most tests) log to: nothing. */
export const SILENT_LOGGER: Logger = pino({ level: 'silent' });
