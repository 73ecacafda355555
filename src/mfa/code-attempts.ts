import type { RateLimiterMongo } from 'rate-limiter-flexible';
import { isLimited, type RateLimitStore } from '../security/rate-limit.store.js';

/** Wrong codes allowed in a window before the second factor refuses every code until the window ends. */
export const MAX_WRONG_CODES = 5;
const WINDOW_SECONDS = 15 * 60;

/**
 * Limits guesses of a user's codes across sign-ins, in the shared rate-limit store: a fresh interaction does not
 * start a fresh count, so the million TOTP codes cannot be tried five at a time. Whoever gets here already
 * knows the password; a passkey is not limited (it cannot be guessed).
 */
export class CodeAttempts {
  private readonly wrong: RateLimiterMongo;

  constructor(store: RateLimitStore) {
    this.wrong = store.limiter('mfa-wrong-codes', { points: MAX_WRONG_CODES, durationSeconds: WINDOW_SECONDS });
  }

  async blocked(tenantId: string, userId: string): Promise<boolean> {
    const res = await this.wrong.get(key(tenantId, userId));
    return Boolean(res && res.consumedPoints >= MAX_WRONG_CODES && res.msBeforeNext > 0);
  }

  async fail(tenantId: string, userId: string): Promise<void> {
    await this.wrong.consume(key(tenantId, userId)).catch((err: unknown) => {
      if (!isLimited(err)) throw err;
    });
  }

  async reset(tenantId: string, userId: string): Promise<void> {
    await this.wrong.delete(key(tenantId, userId));
  }
}

function key(tenantId: string, userId: string): string {
  return `${tenantId}:${userId}`;
}
