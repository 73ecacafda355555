import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * A person at an upstream provider, named by its `iss` and `sub`, linked to one of the tenant's users. The
 * pair is the only key a sign-in is found by; an email address links someone only once, at a first sign-in,
 * where the provider's `link_existing_users` allows it (federated-login.ts).
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
// One subject per issuer for a user: two first sign-ins racing to link one user by its address, one wins.
FederatedIdentitySchema.index({ tenantId: 1, userId: 1, issuer: 1 }, { unique: true });

export type FederatedIdentityModel = Model<FederatedIdentityDoc>;

export function federatedIdentityModel(connection: Connection): FederatedIdentityModel {
  return connection.model<FederatedIdentityDoc>('FederatedIdentity', FederatedIdentitySchema);
}
