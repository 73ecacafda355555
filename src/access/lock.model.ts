import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/** What a lock last said of itself (see lock-status.model.ts for the history). */
export interface LockStatus {
  battery: number | null;
  firmwareVersion: string | null;
  errorCodes: string[];
  /** When the lock measured it, by its own clock. */
  reportedAt: Date;
  /** When it reached us. */
  receivedAt: Date;
}

/**
 * A lock (or the back-end that speaks for it) of one tenant. It is an OAuth client of the tenant
 * (`clientId`, private_key_jwt with the public key registered at creation) and may ask about the doors it
 * serves (`doorIds`, ids of the tenant's doors) only. Retiring keeps the record, ends its client.
 */
export interface LockDoc {
  _id: string;
  tenantId: string;
  name: string;
  doorIds: string[];
  model: string | null;
  firmwareVersion: string | null;
  clientId: string;
  status?: LockStatus;
  retiredAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const LockStatusSchema = new Schema<LockStatus>(
  { battery: Number, firmwareVersion: String, errorCodes: [String], reportedAt: Date, receivedAt: Date },
  { _id: false },
);

const LockSchema = new Schema<LockDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    name: { type: String, required: true },
    doorIds: { type: [String], default: [] },
    model: { type: String, default: null },
    firmwareVersion: { type: String, default: null },
    clientId: { type: String, required: true, immutable: true },
    status: LockStatusSchema,
    retiredAt: Date,
  },
  { collection: 'locks', timestamps: true, versionKey: false },
);
LockSchema.plugin(tenantScopePlugin, { listedById: true });
LockSchema.index({ tenantId: 1, clientId: 1 }, { unique: true });

export type LockModel = Model<LockDoc>;

export function lockModel(connection: Connection): LockModel {
  return connection.model<LockDoc>('Lock', LockSchema);
}
