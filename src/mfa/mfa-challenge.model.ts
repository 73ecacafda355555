import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * Short-lived state between two requests of a second-factor ceremony, found by `key`:
 * `passkey-mfa:<interaction>` holds a WebAuthn challenge, `passkey-login:<interaction>` marks the one answer
 * to a derived sign-in challenge (src/mfa/passkey-login.ts),
 * `passkey-register:<user>` a registration challenge, `totp-enrol:<user>` a TOTP secret not yet confirmed
 * (sealed). Stored, so any process can continue a ceremony.
 */
export interface MfaChallengeDoc {
  tenantId: string;
  key: string;
  /** The user the state is about, where one is known (not for a passkey sign-in before the passkey names them). */
  userId?: string;
  challenge?: string;
  secret?: string;
  expiresAt: Date;
}

const MfaChallengeSchema = new Schema<MfaChallengeDoc>(
  {
    tenantId: { type: String, required: true },
    key: { type: String, required: true },
    userId: String,
    challenge: String,
    secret: String,
    expiresAt: { type: Date, required: true },
  },
  { collection: 'mfa_challenges', versionKey: false },
);
MfaChallengeSchema.plugin(tenantScopePlugin);
MfaChallengeSchema.index({ tenantId: 1, key: 1 }, { unique: true });
MfaChallengeSchema.index({ tenantId: 1, userId: 1 });

export type MfaChallengeModel = Model<MfaChallengeDoc>;

export function mfaChallengeModel(connection: Connection): MfaChallengeModel {
  return connection.model<MfaChallengeDoc>('MfaChallenge', MfaChallengeSchema);
}
