import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Personal data never reaches them: known personal fields and credentials are redacted
 * wherever they appear, and request logs carry paths without query strings (which may hold login hints).
 */
export const REDACTED_PATHS = [
  'email',
  'password',
  'name',
  'phone',
  'given_name',
  'family_name',
  '*.email',
  '*.password',
  '*.name',
  '*.phone',
  '*.given_name',
  '*.family_name',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'client_secret',
  '*.client_secret',
];

/** Without a destination, to standard output as each line is logged (tests, tools); the server passes serverLogDestination(). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined }, destination);
}

/** What the server's log lines wait for before they are written: this many bytes, or this long at most. */
const LOG_BATCH = { bytes: 4096, ms: 1000 };

/**
 * Standard output, written off the request path and in batches: one write per few kilobytes of lines (or per
 * second, whichever comes first) instead of one system call per request line. Whatever is still buffered is
 * written before the process exits (pino flushes its own destinations on exit), so only a kill that gives the
 * process no exit loses lines, at most a second's.
 */
export function serverLogDestination(batch = LOG_BATCH): ReturnType<typeof pino.destination> {
  const destination = pino.destination({ dest: 1, sync: false, minLength: batch.bytes });
  setInterval(() => destination.flush(), batch.ms).unref();
  return destination;
}
