import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

export type KeyStatus = 'next' | 'current' | 'retired';
export type SigningAlg = 'ES256' | 'RS256';

/**
 * A tenant's signing key. `next` is published before it signs (so caches already hold it at rotation),
 * `current` signs, `retired` is still published until `expiresAt`, when the last token it signed has expired.
 */
export interface SigningKeyDoc {
  _id: string;
  tenantId: string;
  kid: string;
  alg: SigningAlg;
  status: KeyStatus;
  publicJwk: Record<string, unknown>;
  sealedPrivateJwk: string;
  createdAt: Date;
  activatedAt?: Date;
  retiredAt?: Date;
  expiresAt?: Date;
}

const SigningKeySchema = new Schema<SigningKeyDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    kid: { type: String, required: true },
    alg: { type: String, enum: ['ES256', 'RS256'], required: true },
    status: { type: String, enum: ['next', 'current', 'retired'], required: true },
    publicJwk: { type: Schema.Types.Mixed, required: true },
    sealedPrivateJwk: { type: String, required: true },
    createdAt: { type: Date, required: true },
    activatedAt: Date,
    retiredAt: Date,
    expiresAt: Date,
  },
  { collection: 'signing_keys', versionKey: false },
);
// Keys made since their ids were scoped are read by `_id` alone (signing-key.service.ts).
SigningKeySchema.plugin(tenantScopePlugin, { scopedIds: true });
SigningKeySchema.index({ tenantId: 1, status: 1 });
SigningKeySchema.index({ tenantId: 1, kid: 1 }, { unique: true });

export type SigningKeyModel = Model<SigningKeyDoc>;

export function signingKeyModel(connection: Connection): SigningKeyModel {
  return connection.model<SigningKeyDoc>('SigningKey', SigningKeySchema);
}
