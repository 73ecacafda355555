import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';
import type { ResourceClaim } from './tenant.model.js';

/**
 * A tenant's resource server, one document each, keyed `<tenantId>:<resource id>`. A collection, not a list
 * in the tenant document: a unique `_id` is the one guarantee every server keeps under concurrent writers
 * (FerretDB v1 loses concurrent read-modify-writes of one document), so two admins adding resources at once
 * lose neither, and a duplicate identifier is refused by the database. Every change also bumps the tenant's
 * configVersion, which is how every process rebuilds its provider with the new list.
 */
export interface ResourceServerDoc {
  _id: string;
  tenantId: string;
  indicator: string;
  name?: string;
  scopes: string[];
  accessTokenTtl: number;
  claims?: ResourceClaim[];
  createdAt: Date;
  updatedAt: Date;
}

const ResourceServerSchema = new Schema<ResourceServerDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    indicator: { type: String, required: true, immutable: true },
    name: String,
    scopes: { type: [String], default: [] },
    accessTokenTtl: { type: Number, required: true },
    // No default: an absent choice must stay absent (see ResourceServer.claims), not become an empty one.
    claims: { type: [String], default: undefined },
  },
  { collection: 'resource_servers', timestamps: true, versionKey: false },
);
ResourceServerSchema.plugin(tenantScopePlugin, { scopedIds: true });
// A tenant's resources are read with the tenant on every lookup of it (listOf): through this index, not by
// reading every tenant's. Created at start like every index, on existing data too.
ResourceServerSchema.index({ tenantId: 1 });

export type ResourceServerModel = Model<ResourceServerDoc>;

export function resourceServerModel(connection: Connection): ResourceServerModel {
  return connection.model<ResourceServerDoc>('ResourceServer', ResourceServerSchema);
}
