import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * A sign-in that has passed its first factor but not yet every step the tenant requires (a second factor,
 * a required password change). Stored, not kept in memory, so any process can continue it.
 */
export interface PendingLoginDoc {
  tenantId: string;
  /** The oidc-provider interaction this sign-in belongs to. */
  uid: string;
  accountId: string;
  /** Authentication methods used so far (RFC 8176 values: pwd, otp, hwk, swk, mfa…). */
  amr: string[];
  /** Steps already done (their names). */
  completed: string[];
  expiresAt: Date;
}

const PendingLoginSchema = new Schema<PendingLoginDoc>(
  {
    tenantId: { type: String, required: true },
    uid: { type: String, required: true },
    accountId: { type: String, required: true },
    amr: { type: [String], default: [] },
    completed: { type: [String], default: [] },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'pending_logins', versionKey: false },
);
PendingLoginSchema.plugin(tenantScopePlugin);
PendingLoginSchema.index({ tenantId: 1, uid: 1 }, { unique: true });

export type PendingLoginModel = Model<PendingLoginDoc>;

export function pendingLoginModel(connection: Connection): PendingLoginModel {
  return connection.model<PendingLoginDoc>('PendingLogin', PendingLoginSchema);
}
