import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

export type AccountTokenKind = 'password_reset' | 'email_verification';

/**
 * A single-use emailed link of an existing user. `used` and `superseded` tokens are kept until they would
 * have expired, so a second click is told the link was used rather than that it never existed.
 */
export interface AccountTokenDoc {
  _id: string;
  tenantId: string;
  kind: AccountTokenKind;
  userId: string;
  /** SHA-256 of the token (see link-token.ts). */
  tokenHash: string;
  /** Verification only: the blind index of the address the link was sent to, which must still be the user's. */
  emailHash?: string;
  state: 'pending' | 'used' | 'superseded';
  expiresAt: Date;
  usedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const AccountTokenSchema = new Schema<AccountTokenDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    kind: { type: String, enum: ['password_reset', 'email_verification'], required: true, immutable: true },
    userId: { type: String, required: true, immutable: true },
    tokenHash: { type: String, required: true },
    emailHash: String,
    state: { type: String, enum: ['pending', 'used', 'superseded'], required: true },
    expiresAt: { type: Date, required: true },
    usedAt: Date,
  },
  { collection: 'account_tokens', timestamps: true, versionKey: false },
);
AccountTokenSchema.plugin(tenantScopePlugin);
AccountTokenSchema.index({ tenantId: 1, tokenHash: 1 }, { unique: true });
AccountTokenSchema.index({ tenantId: 1, userId: 1, kind: 1 });

export type AccountTokenModel = Model<AccountTokenDoc>;

export function accountTokenModel(connection: Connection): AccountTokenModel {
  return connection.model<AccountTokenDoc>('AccountToken', AccountTokenSchema);
}
