import { Schema, type Connection, type Model } from 'mongoose';
import type { JWK } from 'jose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * A phone a user registered for door keys. `_id` is a pseudonym (a keyed hash of the key's thumbprint, see
 * device-id.ts), never a hardware identifier; the public key is what door keys are bound to. Personal data of
 * the user: it belongs to them, is listed and revoked by them or an admin, and goes with them.
 */
export interface DeviceDoc {
  _id: string;
  tenantId: string;
  userId: string;
  label: string;
  publicJwk: JWK;
  /** RFC 7638 thumbprint of `publicJwk`: the `cnf.jkt` of its door keys. */
  jkt: string;
  revokedAt: Date | null;
  createdAt: Date;
}

const DeviceSchema = new Schema<DeviceDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    userId: { type: String, required: true, immutable: true },
    label: { type: String, required: true },
    publicJwk: { type: Schema.Types.Mixed, required: true },
    jkt: { type: String, required: true, immutable: true },
    revokedAt: { type: Date, default: null },
  },
  { collection: 'devices', timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: false },
);
DeviceSchema.plugin(tenantScopePlugin);
DeviceSchema.index({ tenantId: 1, userId: 1 });

export type DeviceModel = Model<DeviceDoc>;

export function deviceModel(connection: Connection): DeviceModel {
  return connection.model<DeviceDoc>('Device', DeviceSchema);
}
