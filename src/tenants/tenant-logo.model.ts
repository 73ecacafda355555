import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * A tenant's logo image, one document per tenant keyed `<tenantId>:logo`. Apart from the tenant document,
 * which every process reads on each rebuild: the image is read only when a browser asks for it.
 */
export interface TenantLogoDoc {
  _id: string;
  tenantId: string;
  contentType: string;
  data: Buffer;
  sha256: string;
  updatedAt: Date;
}

const TenantLogoSchema = new Schema<TenantLogoDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    contentType: { type: String, required: true },
    data: { type: Buffer, required: true },
    sha256: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'tenant_logos', versionKey: false },
);
TenantLogoSchema.plugin(tenantScopePlugin, { scopedIds: true });

export type TenantLogoModel = Model<TenantLogoDoc>;

export function tenantLogoModel(connection: Connection): TenantLogoModel {
  return connection.model<TenantLogoDoc>('TenantLogo', TenantLogoSchema);
}
