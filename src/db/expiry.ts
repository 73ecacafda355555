/**
 * The first date whose milliseconds since the epoch have 13 digits (2001-09-09); every date from it to 2286 has
 * as many. No expiry date in the database is earlier: expiries are always written as now plus a lifetime.
 */
export const EARLIEST_EXPIRY = new Date(1e12);

/**
 * The condition on an expiry date that has passed by `now`, for the sweepers that stand in for TTL indexes.
 * Bounded below too, by EARLIEST_EXPIRY: the local database finds a range between two dates of the same number of
 * digits through the field's index alone, where a range open below makes it read every entry that expires later
 * (README, "Local database").
 */
export function expiredBy(now: Date = new Date()): { $gte: Date; $lte: Date } {
  return { $gte: EARLIEST_EXPIRY, $lte: now };
}
