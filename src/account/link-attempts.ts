import { hashLinkToken } from './link-token.js';
import type { LeasedLimit } from '../security/leased-limit.js';
import { isLimited, type RateLimitStore } from '../security/rate-limit.store.js';

/**
 * New passwords tried on one emailed link (a reset, an invitation), refused ones included: each costs a
 * strength estimate, and a link is no tool for trying the policy out. Far more than a person needs; past them
 * the link counts as used up. Leased, so the count is exact across processes and on servers that lose
 * concurrent `$inc`s; keyed by the token's hash, never the token.
 */
export const LINK_PASSWORD_ATTEMPTS = 10;

export class LinkAttempts {
  private readonly limit: LeasedLimit;

  constructor(store: RateLimitStore, kind: 'reset' | 'invitation', lifetimeMs: number) {
    this.limit = store.leased(`${kind}-attempts`, { points: LINK_PASSWORD_ATTEMPTS, durationSeconds: Math.ceil(lifetimeMs / 1000) });
  }

  /** Spends one of the link's tries; false when none is left. */
  async take(tenantId: string, token: string): Promise<boolean> {
    try {
      await this.limit.spend(`${tenantId}:${hashLinkToken(token)}`);
      return true;
    } catch (err) {
      if (!isLimited(err)) throw err;
      return false;
    }
  }
}
