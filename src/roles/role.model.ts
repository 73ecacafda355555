import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

export interface RoleDoc {
  _id: string;
  tenantId: string;
  /** The value that appears in the `roles` claim. */
  name: string;
  description?: string;
  /** A provisioning client's own id for the group this role is (SCIM `externalId`). */
  externalId?: string;
  createdAt: Date;
  updatedAt: Date;
}

const RoleSchema = new Schema<RoleDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    name: { type: String, required: true },
    description: String,
    externalId: String,
  },
  { collection: 'roles', timestamps: true, versionKey: false },
);
RoleSchema.plugin(tenantScopePlugin);
RoleSchema.index({ tenantId: 1, name: 1 }, { unique: true });

export type RoleModel = Model<RoleDoc>;

export function roleModel(connection: Connection): RoleModel {
  return connection.model<RoleDoc>('Role', RoleSchema);
}
