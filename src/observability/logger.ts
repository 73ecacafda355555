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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined }, destination);
}
