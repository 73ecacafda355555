import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/** `granted`/`denied` are decisions Doorway made; `opened`/`denied`/`error` are what a lock reports it did. */
export const ACCESS_RESULTS = ['granted', 'denied', 'opened', 'error'] as const;
export const ACCESS_METHODS = ['decision', 'card', 'phone', 'pin', 'remote'] as const;
export type AccessResult = (typeof ACCESS_RESULTS)[number];
export type AccessMethod = (typeof ACCESS_METHODS)[number];

/**
 * One access at one door: who (the tenant's user id, null when the subject named no user of the tenant or was
 * unlinked by an erasure), which lock and door, when, and what was decided or happened and why. Events a lock
 * uploads also carry the lock's own id for the event (`eventId`) and, for phone keys, the device pseudonym.
 * Personal data about the subject.
 */
export interface AccessEventDoc {
  _id: string;
  tenantId: string;
  lockId: string;
  doorId: string;
  subjectId: string | null;
  /** An opaque device pseudonym a lock named instead of a user (phone keys); null otherwise. */
  deviceId?: string | null;
  /** The lock's own id of an uploaded event; absent on decisions. */
  eventId?: string | null;
  at: Date;
  result: AccessResult;
  /** Why denied, or the error cause a lock reported. */
  reason: string | null;
  method: AccessMethod;
  createdAt: Date;
}

const AccessEventSchema = new Schema<AccessEventDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    lockId: { type: String, required: true },
    doorId: { type: String, required: true },
    subjectId: { type: String, default: null },
    deviceId: { type: String, default: null },
    eventId: { type: String, default: null },
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
AccessEventSchema.index({ tenantId: 1, doorId: 1, at: -1 });
AccessEventSchema.index({ tenantId: 1, deviceId: 1 });

export type AccessEventModel = Model<AccessEventDoc>;

export function accessEventModel(connection: Connection): AccessEventModel {
  return connection.model<AccessEventDoc>('AccessEvent', AccessEventSchema);
}
