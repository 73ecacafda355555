import { Schema, type Connection, type Model } from 'mongoose';
import type { SessionDevice } from '../account/session-device.js';
import { ScopedCollection } from '../db/scoped-collection.js';
import { tenantScopedId, tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * One collection for every oidc-provider model (Session, Grant, AccessToken, …), told apart by `kind`.
 * The lookups oidc-provider needs (`uid`, `userCode`, `grantId`) are top-level indexed fields, so they are
 * real queries, not scans of payloads. The `_id` is `oidcEntryId(tenantId, kind, id)`: unique by
 * construction, and the one key every server looks up without a scan (see tenant-scope.plugin.ts).
 */
export interface OidcEntryDoc {
  _id: string;
  tenantId: string;
  kind: string;
  id: string;
  /** JSON text: payload keys may hold dots (resource URLs), which not every server accepts as field names. */
  payload: string;
  grantId?: string;
  /** The user an entry belongs to, so erasing or locking a user ends all their sessions and tokens. */
  accountId?: string;
  /** The client an entry was issued to, so deleting a client ends its grants and tokens. */
  clientId?: string;
  uid?: string;
  userCode?: string;
  consumedAt?: Date;
  expiresAt?: Date;
  /** A session's browser and system by name, read at sign-in; the User-Agent itself is not kept. */
  device?: SessionDevice;
}

const OidcEntrySchema = new Schema<OidcEntryDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    kind: { type: String, required: true },
    id: { type: String, required: true },
    payload: { type: String, required: true },
    grantId: String,
    accountId: String,
    clientId: String,
    uid: String,
    userCode: String,
    consumedAt: Date,
    expiresAt: Date,
    device: { type: new Schema({ browser: String, os: String }, { _id: false }), required: false },
  },
  { collection: 'oidc_entries', versionKey: false, minimize: false },
);
OidcEntrySchema.plugin(tenantScopePlugin, { scopedIds: true });
OidcEntrySchema.index({ tenantId: 1, grantId: 1 });
OidcEntrySchema.index({ tenantId: 1, accountId: 1 });
OidcEntrySchema.index({ tenantId: 1, clientId: 1 });
OidcEntrySchema.index({ tenantId: 1, kind: 1, uid: 1 });
OidcEntrySchema.index({ tenantId: 1, kind: 1, userCode: 1 });

export function oidcEntryId(tenantId: string, kind: string, id: string): string {
  return tenantScopedId(tenantId, kind, id);
}

export type OidcEntryModel = Model<OidcEntryDoc>;
/** The entries through the driver, with the model's tenant-scope rule (see ScopedCollection): oidc-provider's storage. */
export type OidcEntryStore = ScopedCollection<OidcEntryDoc>;

export function oidcEntryStore(model: OidcEntryModel): OidcEntryStore {
  return new ScopedCollection(model, { scopedIds: true });
}

export function oidcEntryModel(connection: Connection): OidcEntryModel {
  return connection.model<OidcEntryDoc>('OidcEntry', OidcEntrySchema);
}
