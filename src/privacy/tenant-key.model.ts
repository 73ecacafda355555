import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * A tenant's data key, wrapped by the master key, kept apart from the tenant document on purpose: backups
 * never copy this collection, so a backup holds a tenant's sealed personal data but not the key that opens it.
 * Terminating the tenant keeps the entry without its key (`destroyedAt`), which tells every later restore that
 * the tenant's data is gone for good rather than missing by accident.
 */
export interface TenantKeyDoc {
  /** The tenant id: one entry per tenant. */
  _id: string;
  tenantId: string;
  wrappedDataKey?: string;
  destroyedAt?: Date;
  createdAt: Date;
}

const TenantKeySchema = new Schema<TenantKeyDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    wrappedDataKey: String,
    destroyedAt: Date,
    createdAt: { type: Date, required: true },
  },
  { collection: 'tenant_keys', versionKey: false },
);
TenantKeySchema.plugin(tenantScopePlugin);

export type TenantKeyModel = Model<TenantKeyDoc>;

export function tenantKeyModel(connection: Connection): TenantKeyModel {
  return connection.model<TenantKeyDoc>('TenantKey', TenantKeySchema);
}
