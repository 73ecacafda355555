import { ValidationError } from '../errors/http-errors.js';

/**
 * When a grant is in force: inside its validity window, and not yet revoked. A grant without `validFrom` starts
 * when it was granted, so it never claims a past it did not have; one with `validFrom` starts there, which is
 * how an entitlement agreed earlier is recorded. A revocation ends a grant only from the moment it was made:
 * asked about an earlier date, the revoked grant still answers.
 */
export function inForceAt(at: Date): Record<string, unknown> {
  return {
    $and: [
      { $or: [{ validFrom: { $lte: at } }, { validFrom: null, grantedAt: { $lte: at } }] },
      { $or: [{ validUntil: null }, { validUntil: { $gt: at } }] },
      { $or: [{ revokedAt: null }, { revokedAt: { $gt: at } }] },
    ],
  };
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
