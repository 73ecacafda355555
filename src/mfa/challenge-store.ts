import { isDuplicateKey } from '../db/duplicate-key.js';
import type { MfaChallengeDoc, MfaChallengeModel } from './mfa-challenge.model.js';

type State = Pick<MfaChallengeDoc, 'challenge' | 'secret' | 'userId'>;

/** Ceremony state by key; an expired entry reads as absent even where the server has no TTL index. */
export class ChallengeStore {
  constructor(private readonly challenges: MfaChallengeModel) {}

  async put(tenantId: string, key: string, state: State, ttlMs: number): Promise<void> {
    await this.challenges.updateOne(
      { tenantId, key },
      { $set: { ...state, expiresAt: new Date(Date.now() + ttlMs) } },
      { upsert: true },
    );
  }

  async peek(tenantId: string, key: string): Promise<State | undefined> {
    const doc = await this.challenges.findOne({ tenantId, key, expiresAt: { $gt: new Date() } }).lean();
    return doc ?? undefined;
  }

  /** Reads and removes: a challenge answers one response only. */
  async take(tenantId: string, key: string): Promise<State | undefined> {
    const doc = await this.challenges.findOneAndDelete({ tenantId, key }).lean();
    return doc && doc.expiresAt.getTime() > Date.now() ? doc : undefined;
  }

  /**
   * Marks a challenge that was never stored (derived, see passkey-login.ts) as answered: true the first time,
   * false after. The unique `(tenantId, key)` index decides between processes.
   */
  async claim(tenantId: string, key: string, ttlMs: number): Promise<boolean> {
    try {
      await this.challenges.insertMany([{ tenantId, key, expiresAt: new Date(Date.now() + ttlMs) }]);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async remove(tenantId: string, key: string): Promise<void> {
    await this.challenges.deleteOne({ tenantId, key });
  }
}
