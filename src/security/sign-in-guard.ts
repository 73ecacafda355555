import { runWithContext, currentContext } from '../audit/request-context.js';
import { normalizeEmail } from '../crypto/field-cipher.js';
import { ConflictError } from '../errors/http-errors.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { UserService } from '../users/user.service.js';
import type { LoginLockout } from './login-lockout.js';
import type { LeasedLimit } from './leased-limit.js';
import { ignoreLimited, isLimited, retryAfterSeconds, type RateLimit, type RateLimitStore } from './rate-limit.store.js';

/** Why an attempt is refused before its password is looked at, and for how long. */
export type SignInRefusal = { reason: 'account' | 'network' | 'attempts'; seconds: number };

type RefusalError = 'login.error.network' | 'login.error.wait' | 'login.error.attempts';

/**
 * What the login page says to a refused attempt: seconds for an account's short wait, minutes for a network's,
 * and the way out for an account whose checks are used up (the wait would be hours, and the account is locked).
 */
export function refusalMessage(refusal: SignInRefusal): { error: RefusalError; params: Record<string, number> } {
  if (refusal.reason === 'network') return { error: 'login.error.network', params: { minutes: Math.ceil(refusal.seconds / 60) } };
  if (refusal.reason === 'attempts') return { error: 'login.error.attempts', params: {} };
  return { error: 'login.error.wait', params: { seconds: refusal.seconds } };
}

export interface SignInLimits {
  /** Failed sign-ins from one IP address, across all tenants and accounts (credential stuffing). */
  failuresPerIp: RateLimit;
}

/** The lock caused by failed sign-ins names this individual identity in the change log. */
export const LOCKOUT_ACTOR = { type: 'system', id: 'lockout' } as const;

/**
 * The sign-in form's brakes: a per-IP limit on failures, and the per-account schedule of LoginLockout. Nothing
 * here depends on whether the email has an account, so a refusal tells an attacker nothing about it; only the
 * lock itself needs the account, and it is applied after the same answer has been decided.
 */
export class SignInGuard {
  /** Leased, like the token limits: exact across processes on every server (see leased-limit.ts). */
  private readonly perIp: LeasedLimit;

  constructor(
    private readonly lockout: LoginLockout,
    private readonly store: RateLimitStore,
    private readonly users: UserService,
    private readonly keyring: TenantKeyring,
    limits: SignInLimits,
  ) {
    this.perIp = store.leased('signin-ip', limits.failuresPerIp);
  }

  /**
   * Null when the password may be checked, which reserves one of the account key's checks (LoginLockout): so
   * requests sent at once check no more passwords than the lock allows failures. The attempt that finds them
   * used up locks the account, as the last failure would.
   */
  async refusal(tenant: TenantDoc, email: string, ip: string): Promise<SignInRefusal | null> {
    const accountKey = this.accountKey(tenant, email);
    // The network's last slot (unless this process holds a point of it) and the account's delay, in one read.
    const ipSlot = this.perIp.lastSlot(this.store.ipKey(ip));
    const delay = this.lockout.delayCounter(tenant._id, accountKey);
    const counters = await this.store.findByKeys(ipSlot ? [ipSlot, delay] : [delay]);
    if (ipSlot && counters.some((c) => c.key === ipSlot)) return { reason: 'network', seconds: retryAfterSeconds(this.perIp.refusedNow()) };
    const seconds = this.lockout.waitOf(counters.find((c) => c.key === delay));
    if (seconds) return { reason: 'account', seconds };
    try {
      await this.lockout.reserveCheck(tenant._id, accountKey, this.maxFailures(tenant));
      return null;
    } catch (err) {
      if (!isLimited(err)) throw err;
      await this.lock(tenant, email);
      return { reason: 'attempts', seconds: retryAfterSeconds(err) };
    }
  }

  /** A wrong password or an unknown email: counted for the address and the account key alike. */
  async failed(tenant: TenantDoc, email: string, ip: string): Promise<void> {
    await this.perIp.spend(this.store.ipKey(ip)).catch(ignoreLimited);
    const { failures } = await this.lockout.recordFailure(tenant._id, this.accountKey(tenant, email));
    if (failures >= this.maxFailures(tenant)) await this.lock(tenant, email);
  }

  async succeeded(tenant: TenantDoc, email: string): Promise<void> {
    await this.lockout.clear(tenant._id, this.accountKey(tenant, email));
  }

  private async lock(tenant: TenantDoc, email: string): Promise<void> {
    const [user] = (await this.users.list(tenant, { email, limit: 1 })).items;
    if (user?.status !== 'active') return;
    const context = { ...currentContext(), actor: LOCKOUT_ACTOR };
    await runWithContext(context, () => this.users.setStatus(tenant, user.id, { from: ['active'], to: 'locked', action: 'user.locked', lockedBy: 'lockout' })).catch(
      (err: unknown) => {
        // Two failures at once may both reach N: the first locks, the second finds nothing left to do.
        if (!(err instanceof ConflictError)) throw err;
      },
    );
  }

  private maxFailures(tenant: TenantDoc): number {
    return tenant.settings.maxFailedLogins;
  }

  private accountKey(tenant: TenantDoc, email: string): string {
    return this.keyring.cipherFor(tenant).blindIndex(normalizeEmail(email), 'email');
  }
}
