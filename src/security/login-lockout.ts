import type { RateLimiterMongo } from 'rate-limiter-flexible';
import type { LeasedLimit } from './leased-limit.js';
import { retryAfterSeconds, type Counter, type RateLimitStore } from './rate-limit.store.js';

/**
 * Failed sign-ins, counted per account key: the blind index of the email, so an address without an account
 * counts exactly like one with an account and no answer tells them apart. The schedule:
 *
 *   - failures 1 to 3: no delay;
 *   - after failure k ≥ 4: the next attempt with this key is refused, unchecked and uncounted, until 2^(k−3)
 *     seconds have passed (2 s, 4 s, 8 s, … at most 15 minutes), whatever password it brings;
 *   - at failure N (the tenant's `maxFailedLogins`, default 5): an active account becomes `locked`
 *     (SignInGuard; change log actor system:lockout; the user's `lockedBy` is `lockout`). Such a lock is lifted by
 *     an admin or by a reset through email, nothing else: neither time nor a correct password lifts it. A lock
 *     an admin set is lifted by an admin only.
 *
 * Every password check of a key is reserved before the password is looked at, N per 24-hour window (a leased
 * limit, exact across processes and on servers that lose concurrent `$inc`s): requests sent at once cannot
 * check more passwords than the lock allows failures, and the attempt past N locks the account.
 *
 * Failures count within 24 hours of the first one. A successful sign-in, an unlock or a new password clears
 * them, and the reserved checks with them. With the default N = 5 a guesser gets 5 tries per account before the lock; a tenant that raises N gets
 * the growing delays in between, which hold an online guesser to a handful of tries per hour.
 */
export const FREE_FAILURES = 3;
export const MAX_DELAY_SECONDS = 15 * 60;
export const DEFAULT_MAX_FAILED_LOGINS = 5;
/** The most failures a tenant may allow before the lock (its `max_failed_logins`). */
export const MAX_FAILED_LOGINS = 20;
const WINDOW_SECONDS = 24 * 3600;
const FAILURES_PREFIX = 'signin-failures';
const DELAY_PREFIX = 'signin-delay';

export function delayAfter(failures: number): number {
  return failures <= FREE_FAILURES ? 0 : Math.min(2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS);
}

export class LoginLockout {
  private readonly failures: RateLimiterMongo;
  private readonly delays: RateLimiterMongo;
  /** The checks of each limit tenants have chosen, by N; one collection and key space for all of them. */
  private readonly checks = new Map<number, LeasedLimit>();

  constructor(private readonly store: RateLimitStore) {
    // Only the count matters here (the lock decides at N), so the limit itself is never reached.
    this.failures = store.limiter(FAILURES_PREFIX, { points: Number.MAX_SAFE_INTEGER, durationSeconds: WINDOW_SECONDS });
    this.delays = store.limiter(DELAY_PREFIX, { points: 1, durationSeconds: 1 });
  }

  /** Seconds this key must still wait before an attempt is checked; 0 when it may try now. */
  async waitSeconds(tenantId: string, accountKey: string): Promise<number> {
    const [counter] = await this.store.findByKeys([this.delayCounter(tenantId, accountKey)]);
    return this.waitOf(counter);
  }

  /** The counter `waitSeconds` reads (by its `key`), for a caller that reads it together with others. */
  delayCounter(tenantId: string, accountKey: string): string {
    return `${DELAY_PREFIX}:${key(tenantId, accountKey)}`;
  }

  /** Seconds to wait by the delay counter as read; 0 without one, or once it has run out. */
  waitOf(counter: Counter | undefined): number {
    const msBeforeNext = counter?.expire ? counter.expire.getTime() - Date.now() : 0;
    return counter && (counter.points ?? 0) > this.delays.points && msBeforeNext > 0 ? retryAfterSeconds({ msBeforeNext }) : 0;
  }

  /** Counts one failure; returns how many there are now, with the delay it starts. */
  async recordFailure(tenantId: string, accountKey: string): Promise<{ failures: number; delaySeconds: number }> {
    const { consumedPoints: failures } = await this.failures.penalty(key(tenantId, accountKey), 1);
    const delaySeconds = delayAfter(failures);
    if (delaySeconds) await this.delays.block(key(tenantId, accountKey), delaySeconds);
    await this.store.sweepIfDue();
    return { failures, delaySeconds };
  }

  /** Reserves one password check of this key; rejects with a RateLimiterRes when the tenant's N are used up. */
  async reserveCheck(tenantId: string, accountKey: string, maxFailedLogins: number): Promise<void> {
    await this.checksOf(maxFailedLogins).spend(key(tenantId, accountKey));
  }

  /** Forgets the key's failures, its delay and its reserved checks: one delete, as every sign-in does it. */
  async clear(tenantId: string, accountKey: string): Promise<void> {
    const k = key(tenantId, accountKey);
    // The checks of every N share the slots' names, so the largest N a tenant may set (or one seen here) names
    // every slot the account can hold, whichever process took them at whatever N.
    const largest = Math.max(MAX_FAILED_LOGINS, ...this.checks.keys());
    for (const limit of this.checks.values()) limit.forget(k);
    await this.store.clearAll([`${FAILURES_PREFIX}:${k}`, `${DELAY_PREFIX}:${k}`, ...this.checksOf(largest).slotIdsOf(k)]);
  }

  private checksOf(maxFailedLogins: number): LeasedLimit {
    let limit = this.checks.get(maxFailedLogins);
    if (!limit) {
      limit = this.store.leased('signin-checks', { points: maxFailedLogins, durationSeconds: WINDOW_SECONDS });
      this.checks.set(maxFailedLogins, limit);
    }
    return limit;
  }
}

function key(tenantId: string, accountKey: string): string {
  return `${tenantId}:${accountKey}`;
}
