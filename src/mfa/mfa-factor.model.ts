import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

export type MfaFactorType = 'totp' | 'passkey' | 'recovery_codes';

/**
 * One second factor of a user: an authenticator app's secret, a passkey (WebAuthn credential), or the set of
 * recovery codes. A user has at most one TOTP secret and one set of recovery codes, and any number of passkeys.
 */
export interface MfaFactorDoc {
  _id: string;
  tenantId: string;
  userId: string;
  type: MfaFactorType;
  /** TOTP: the shared secret, sealed with the tenant's data key and bound to the user. */
  secret?: string;
  /** TOTP: the last time step accepted; a code of this step or an earlier one is a replay. */
  lastTimeStep?: number;
  /** Passkey: the credential id (base64url), its COSE public key (base64url) and signature counter. */
  credentialId?: string;
  publicKey?: string;
  counter?: number;
  transports?: string[];
  /** Passkey: `singleDevice` keys stay in hardware (amr hwk); `multiDevice` ones are synced (amr swk). */
  deviceType?: 'singleDevice' | 'multiDevice';
  /** Recovery codes: keyed hashes of the codes not used yet. */
  codeHashes?: string[];
  lastUsedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const MfaFactorSchema = new Schema<MfaFactorDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    userId: { type: String, required: true },
    type: { type: String, enum: ['totp', 'passkey', 'recovery_codes'], required: true },
    secret: String,
    lastTimeStep: Number,
    credentialId: String,
    publicKey: String,
    counter: Number,
    transports: { type: [String], default: undefined },
    deviceType: { type: String, enum: ['singleDevice', 'multiDevice'] },
    codeHashes: { type: [String], default: undefined },
    lastUsedAt: Date,
  },
  { collection: 'mfa_factors', timestamps: true, versionKey: false },
);
MfaFactorSchema.plugin(tenantScopePlugin);
MfaFactorSchema.index({ tenantId: 1, userId: 1, type: 1 });
// Not unique: FerretDB has no partial indexes and most factors have no credential id; the service checks.
MfaFactorSchema.index({ tenantId: 1, credentialId: 1 });

export type MfaFactorModel = Model<MfaFactorDoc>;

export function mfaFactorModel(connection: Connection): MfaFactorModel {
  return connection.model<MfaFactorDoc>('MfaFactor', MfaFactorSchema);
}
