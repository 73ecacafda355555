/**
 * Typed errors that carry their HTTP status and a stable RFC 9457 problem type. Thrown anywhere, rendered in
 * one place (error.middleware.ts), so no handler formats an error by hand.
 */
export class HttpError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    readonly problem: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  get type(): string {
    return `urn:doorway:problem:${this.problem}`;
  }
}

export interface FieldIssue {
  field: string;
  message: string;
}

export class ValidationError extends HttpError {
  constructor(readonly issues: FieldIssue[]) {
    super(400, 'validation', issues.map((i) => `${i.field}: ${i.message}`).join('; ') || 'Invalid request', {
      errors: issues,
    });
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'Authentication required') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'Not allowed') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends HttpError {
  constructor(what = 'Resource') {
    super(404, 'not-found', `${what} not found`);
  }
}

/** No tenant by the slug in the address: a 404 like any other to a program, its own page to a person. */
export class UnknownTenantError extends NotFoundError {
  constructor() {
    super('Tenant');
  }
}

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

/**
 * The person asked for restriction of processing (GDPR Art. 18): their data is kept, not put to a new use, so a
 * change of what it is used for (a door, a role) waits until the restriction is lifted. 409, as the user's
 * state is what stands in the way; its own type, so a client can tell it from any other conflict.
 */
export class ProcessingRestrictedError extends HttpError {
  constructor(message: string) {
    super(409, 'processing-restricted', message);
  }
}

export class UnprocessableError extends HttpError {
  constructor(problem: string, message: string) {
    super(422, problem, message);
  }
}

/**
 * A write the server's storage has no room for (a full disk or quota, a file size limit): 507, as RFC 4918
 * names it, so a client and an operator can tell it from a bug; nothing of the request was applied.
 */
export class InsufficientStorageError extends HttpError {
  constructor(message: string) {
    super(507, 'insufficient-storage', message);
  }
}

const STORAGE_FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** Whether a file system error means there is no room to write. */
export function isStorageFull(err: unknown): boolean {
  return STORAGE_FULL.has(String((err as NodeJS.ErrnoException)?.code));
}

/** How long a caller is asked to wait (Retry-After) before trying again after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The database cannot be reached or does not answer in time: nothing is wrong with the request, and the same
 * request is likely to succeed shortly, hence 503 with Retry-After rather than a 500.
 */
export class ServiceUnavailableError extends HttpError {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;
  constructor(message = 'The service is temporarily unavailable; retry after the time in Retry-After') {
    super(503, 'unavailable', message);
  }
}

/** A query on a tenant collection without a tenantId filter: always a bug, never user input. */
export class UnscopedQueryError extends Error {
  constructor(model: string, op: string) {
    super(`Refused ${op} on ${model} without a tenantId filter`);
    this.name = 'UnscopedQueryError';
  }
}
