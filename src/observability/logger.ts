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

/**
 * Standard output, written off the request path: a busy server writes the lines of many requests in one write
 * instead of one blocking write per request line. Whatever is still buffered is written before the process exits
 * (pino flushes its own destinations on exit), so only a kill that gives the process no exit loses lines.
 */
export function serverLogDestination(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}
