import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * A person at an upstream provider, named by its `iss` and `sub`, linked to one of the tenant's users. The
 * pair is the only key: an email address never links anyone.
 */
export interface FederatedIdentityDoc {
  _id: string;
  tenantId: string;
  userId: string;
  upstreamId: string;
  issuer: string;
  subject: string;
  createdAt: Date;
  updatedAt: Date;
}

const FederatedIdentitySchema = new Schema<FederatedIdentityDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    userId: { type: String, required: true },
    upstreamId: { type: String, required: true },
    issuer: { type: String, required: true },
    subject: { type: String, required: true },
  },
  { collection: 'federated_identities', timestamps: true, versionKey: false },
);
FederatedIdentitySchema.plugin(tenantScopePlugin);
FederatedIdentitySchema.index({ tenantId: 1, issuer: 1, subject: 1 }, { unique: true });
FederatedIdentitySchema.index({ tenantId: 1, userId: 1 });

export type FederatedIdentityModel = Model<FederatedIdentityDoc>;

export function federatedIdentityModel(connection: Connection): FederatedIdentityModel {
  return connection.model<FederatedIdentityDoc>('FederatedIdentity', FederatedIdentitySchema);
}
