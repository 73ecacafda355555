import { Schema, type Connection, type Model } from 'mongoose';
import type { Locale } from '../i18n/locales.js';

export type TenantState = 'active' | 'suspended' | 'terminated';

export interface ResourceServer {
  /** The resource indicator (RFC 8707), e.g. `urn:demo:locks`. */
  indicator: string;
  scopes: string[];
  accessTokenTtl: number;
}

export interface TenantSettings {
  locales: Locale[];
  changeLogRetentionDays: number;
  inactivityDays: number;
  invitationTtlHours: number;
  resources: ResourceServer[];
}

export interface TenantDoc {
  _id: string;
  slug: string;
  name: string;
  state: TenantState;
  /** Bumped on every change a provider depends on (settings, keys, state); processes rebuild on a new value. */
  configVersion: number;
  settings: TenantSettings;
  /** The tenant's data key, wrapped by the master key. Destroying it shreds every copy of the tenant's PII. */
  wrappedDataKey: string;
  createdAt: Date;
  updatedAt: Date;
}

const ResourceSchema = new Schema<ResourceServer>(
  { indicator: { type: String, required: true }, scopes: [String], accessTokenTtl: { type: Number, default: 600 } },
  { _id: false },
);

const TenantSchema = new Schema<TenantDoc>(
  {
    _id: { type: String, required: true },
    slug: { type: String, required: true },
    name: { type: String, required: true },
    state: { type: String, enum: ['active', 'suspended', 'terminated'], default: 'active' },
    configVersion: { type: Number, default: 1 },
    settings: {
      locales: { type: [String], default: ['en', 'da', 'de', 'sv'] },
      changeLogRetentionDays: { type: Number, default: 730 },
      inactivityDays: { type: Number, default: 730 },
      invitationTtlHours: { type: Number, default: 168 },
      resources: { type: [ResourceSchema], default: [] },
    },
    wrappedDataKey: { type: String, required: true },
  },
  { collection: 'tenants', timestamps: true, versionKey: false },
);
TenantSchema.index({ slug: 1 }, { unique: true });

export type TenantModel = Model<TenantDoc>;

export function tenantModel(connection: Connection): TenantModel {
  return connection.model<TenantDoc>('Tenant', TenantSchema);
}
