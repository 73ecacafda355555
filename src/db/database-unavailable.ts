import { ServiceUnavailableError } from '../errors/http-errors.js';

/**
 * The driver's errors that say the database could not be reached or did not answer in time (by class name:
 * Mongoose wraps some of them, and a name survives being thrown through other libraries' code). Any of them
 * means "try again shortly", never "this request is wrong". A client this process closed itself
 * (MongoNotConnectedError, MongoTopologyClosedError) is not among them: waiting does not mend that.
 */
const UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoOperationTimeoutError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  // Some callers wrap the driver's error (`cause`); a few levels are enough, and a cycle cannot loop.
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    if (current instanceof ServiceUnavailableError) return true;
    const name = (current as { name?: unknown }).name;
    if (typeof name === 'string' && UNAVAILABLE.has(name)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
