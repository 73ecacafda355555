import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * An OIDC client of one tenant. `metadata` is the client's registration (RFC 7591 names) without its
 * secret; the secret is sealed under the master key because client_secret_basic needs it in clear at
 * verification time.
 */
export interface ClientDoc {
  _id: string;
  tenantId: string;
  clientId: string;
  metadata: Record<string, unknown>;
  sealedSecret?: string;
  createdAt: Date;
  updatedAt: Date;
}

const ClientSchema = new Schema<ClientDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    clientId: { type: String, required: true, immutable: true },
    metadata: { type: Schema.Types.Mixed, required: true },
    sealedSecret: String,
  },
  { collection: 'clients', timestamps: true, versionKey: false, minimize: false },
);
ClientSchema.plugin(tenantScopePlugin, { listedById: true });
ClientSchema.index({ tenantId: 1, clientId: 1 }, { unique: true });

export type ClientModel = Model<ClientDoc>;

export function clientModel(connection: Connection): ClientModel {
  return connection.model<ClientDoc>('Client', ClientSchema);
}
