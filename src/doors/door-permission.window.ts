import { ValidationError } from '../errors/http-errors.js';

/** The dates of a grant that decide when it is in force. */
export interface GrantTimes {
  validFrom?: Date | null;
  validUntil?: Date | null;
  grantedAt: Date;
  revokedAt?: Date | null;
}

/**
 * The one rule of when a grant opens its door, used by the `door_permissions` claims, the history questions
 * and access decisions alike: inside its validity window, not yet revoked, its door not yet archived. A grant
 * without `validFrom` starts when it was granted, so it never claims a past it did not have; one with
 * `validFrom` starts there, which is how an entitlement agreed earlier is recorded. A revocation or an
 * archiving ends a grant only from the moment it was made: asked about an earlier date, the grant still answers.
 */
export function inForce(grant: GrantTimes, door: { archivedAt?: Date | null }, at: Date): boolean {
  return windowOpen(grant, at) && !ended(grant.revokedAt, at) && !ended(door.archivedAt, at);
}

/** Whether `at` lies inside the grant's window, whatever became of the grant later. */
export function windowOpen(grant: GrantTimes, at: Date): boolean {
  const from = grant.validFrom ?? grant.grantedAt;
  return from <= at && !ended(grant.validUntil, at);
}

function ended(stamp: Date | null | undefined, at: Date): boolean {
  return Boolean(stamp && stamp <= at);
}

/** An empty or inverted window would be a grant that never opens anything: a mistake, refused. */
export function checkWindow(window: { validFrom?: Date; validUntil?: Date }): void {
  const { validFrom, validUntil } = window;
  for (const [field, value] of Object.entries(window)) {
    if (value !== undefined && !(value instanceof Date && !Number.isNaN(value.getTime()))) {
      throw new ValidationError([{ field, message: 'must be a valid date' }]);
    }
  }
  if (validFrom && validUntil && validUntil <= validFrom) {
    throw new ValidationError([{ field: 'validUntil', message: 'must be later than validFrom' }]);
  }
}
