import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';
import type { RoleMapping } from './role-mapping.js';

/**
 * An OpenID provider a tenant lets its people sign in with (Entra ID, Google, Okta, another Doorway tenant):
 * its issuer, our client there, and the client secret sealed under the master key, as our own clients' are.
 */
export const LINK_EXISTING_USERS = ['never', 'verified_email_in_domains'] as const;
export type LinkExistingUsers = (typeof LINK_EXISTING_USERS)[number];

export interface UpstreamIdpDoc {
  _id: string;
  tenantId: string;
  name: string;
  issuer: string;
  clientId: string;
  sealedSecret: string;
  scopes: string[];
  /** Email domains whose people this provider signs in (home-realm discovery). */
  emailDomains: string[];
  /** Create a user at the first sign-in of someone not linked yet; otherwise such a person is refused. */
  jitCreate: boolean;
  /** Roles given from upstream claims at each sign-in (role-mapping.ts). */
  roleMappings: RoleMapping[];
  /**
   * Whether the first sign-in of someone not linked yet may link them to the tenant's existing user with the
   * address the provider verified, when that address is of one of `emailDomains` (federated-login.ts).
   */
  linkExistingUsers: LinkExistingUsers;
  /** True: people of `emailDomains` sign in there only. False: they are sent there, but may use a password here. */
  requireForDomains: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const UpstreamIdpSchema = new Schema<UpstreamIdpDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    name: { type: String, required: true },
    issuer: { type: String, required: true },
    clientId: { type: String, required: true },
    sealedSecret: { type: String, required: true },
    scopes: { type: [String], required: true },
    emailDomains: { type: [String], default: [] },
    jitCreate: { type: Boolean, default: false },
    roleMappings: { type: [{ _id: false, claim: String, value: String, role: String }], default: [] },
    linkExistingUsers: { type: String, enum: LINK_EXISTING_USERS, default: 'never' },
    requireForDomains: { type: Boolean, default: true },
  },
  { collection: 'upstream_idps', timestamps: true, versionKey: false },
);
UpstreamIdpSchema.plugin(tenantScopePlugin);
UpstreamIdpSchema.index({ tenantId: 1, _id: 1 });

export type UpstreamIdpModel = Model<UpstreamIdpDoc>;

export function upstreamIdpModel(connection: Connection): UpstreamIdpModel {
  return connection.model<UpstreamIdpDoc>('UpstreamIdp', UpstreamIdpSchema);
}
