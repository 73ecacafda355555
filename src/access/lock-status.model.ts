import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';
import type { LockStatus } from './lock.model.js';

/**
 * How many status reports a lock keeps. The history is bounded per lock, not by age: a lock that reports once
 * a day and one that reports every minute both show their last reports. Each new report removes those beyond
 * the bound (lock.service.ts), on every database the project runs on (no capped or TTL collection needed).
 */
export const STATUS_HISTORY_SIZE = 100;

/** One status report of a lock, kept among its last `STATUS_HISTORY_SIZE`. */
export interface LockStatusDoc extends LockStatus {
  _id: string;
  tenantId: string;
  lockId: string;
}

const LockStatusReportSchema = new Schema<LockStatusDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    lockId: { type: String, required: true, immutable: true },
    battery: { type: Number, default: null },
    firmwareVersion: { type: String, default: null },
    errorCodes: { type: [String], default: [] },
    reportedAt: { type: Date, required: true },
    receivedAt: { type: Date, required: true },
  },
  { collection: 'lock_status_reports', versionKey: false },
);
LockStatusReportSchema.plugin(tenantScopePlugin);
LockStatusReportSchema.index({ tenantId: 1, lockId: 1, receivedAt: -1 });

export type LockStatusReportModel = Model<LockStatusDoc>;

export function lockStatusReportModel(connection: Connection): LockStatusReportModel {
  return connection.model<LockStatusDoc>('LockStatusReport', LockStatusReportSchema);
}
