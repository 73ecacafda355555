import { HttpError } from '../errors/http-errors.js';

/**
 * A change to personal data attempted outside any request context, or with an actor that is not one
 * identifiable individual. Always a bug in the caller (like an unscoped query), never user input, so it is a
 * plain Error and renders as a generic 500.
 */
export class MissingActorError extends Error {
  constructor(reason = 'no request context') {
    super(`A change to personal data needs one identified actor: ${reason}`);
    this.name = 'MissingActorError';
  }
}

/** Appenders kept losing the race for the next `seq`; the change was not made and may be retried. */
export class ChangeLogBusyError extends HttpError {
  constructor() {
    super(503, 'change-log-busy', 'The change log is busy; try again');
  }
}

/** Retention refuses to delete entries whose chain does not verify: that would erase the evidence. */
export class ChangeLogBrokenError extends HttpError {
  constructor(seq: number, reason: string) {
    super(409, 'change-log-broken', `The change log chain is broken at entry ${seq} (${reason})`, { seq, reason });
  }
}

/** A checkpoint offered for verification that this deployment's key did not sign for this tenant, or was altered. */
export class CheckpointInvalidError extends HttpError {
  constructor() {
    super(422, 'change-log-checkpoint-invalid', "The checkpoint was not signed by this deployment's key for this tenant, or was altered");
  }
}
