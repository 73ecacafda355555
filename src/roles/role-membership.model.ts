import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * One change of one user's membership of one role, appended whenever a user's roles change (created,
 * updated, erased, anonymized), never rewritten. Replayed, the changes say which roles a user held on any
 * date, which is what door grants to roles need to answer "who could open door Y on date D".
 */
export interface RoleMembershipChangeDoc {
  _id: string;
  tenantId: string;
  userId: string;
  role: string;
  change: 'added' | 'removed';
  at: Date;
  /** The acting identity, as the change log names it. */
  by: string;
}

const RoleMembershipChangeSchema = new Schema<RoleMembershipChangeDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    userId: { type: String, required: true, immutable: true },
    role: { type: String, required: true, immutable: true },
    change: { type: String, enum: ['added', 'removed'], required: true, immutable: true },
    at: { type: Date, required: true, immutable: true },
    by: { type: String, required: true, immutable: true },
  },
  { collection: 'role_membership_changes', versionKey: false },
);
RoleMembershipChangeSchema.plugin(tenantScopePlugin);
RoleMembershipChangeSchema.index({ tenantId: 1, userId: 1, at: 1 });
RoleMembershipChangeSchema.index({ tenantId: 1, role: 1, at: 1 });

export type RoleMembershipChangeModel = Model<RoleMembershipChangeDoc>;

export function roleMembershipChangeModel(connection: Connection): RoleMembershipChangeModel {
  return connection.model<RoleMembershipChangeDoc>('RoleMembershipChange', RoleMembershipChangeSchema);
}
