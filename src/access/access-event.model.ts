import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

export const ACCESS_RESULTS = ['granted', 'denied'] as const;
export const ACCESS_METHODS = ['decision'] as const;

/**
 * One access at one door: who (the tenant's user id, null when the subject named no user of the tenant),
 * which lock and door, when, and what was decided and why. Personal data about the subject.
 */
export interface AccessEventDoc {
  _id: string;
  tenantId: string;
  lockId: string;
  doorId: string;
  subjectId: string | null;
  at: Date;
  result: (typeof ACCESS_RESULTS)[number];
  reason: string | null;
  method: (typeof ACCESS_METHODS)[number];
  createdAt: Date;
}

const AccessEventSchema = new Schema<AccessEventDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    lockId: { type: String, required: true },
    doorId: { type: String, required: true },
    subjectId: { type: String, default: null },
    at: { type: Date, required: true },
    result: { type: String, enum: ACCESS_RESULTS, required: true },
    reason: { type: String, default: null },
    method: { type: String, enum: ACCESS_METHODS, required: true },
  },
  { collection: 'access_events', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
AccessEventSchema.plugin(tenantScopePlugin);
AccessEventSchema.index({ tenantId: 1, subjectId: 1, at: -1 });
AccessEventSchema.index({ tenantId: 1, lockId: 1, at: -1 });

export type AccessEventModel = Model<AccessEventDoc>;

export function accessEventModel(connection: Connection): AccessEventModel {
  return connection.model<AccessEventDoc>('AccessEvent', AccessEventSchema);
}
