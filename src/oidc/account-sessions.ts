import type { OidcEntryModel } from './oidc-entry.model.js';

/**
 * Ends everything a user holds at a tenant: sessions, grants, codes, access and refresh tokens. Used when a
 * user is locked, restricted, erased or has their sessions revoked by an admin.
 */
export async function revokeAccount(entries: OidcEntryModel, tenantId: string, accountId: string): Promise<number> {
  const grants = await entries.distinct('grantId', { tenantId, accountId, grantId: { $ne: null } });
  const { deletedCount: own } = await entries.deleteMany({ tenantId, accountId });
  // Tokens of the user's grants that do not carry accountId themselves go with their grant.
  const { deletedCount: byGrant } = grants.length ? await entries.deleteMany({ tenantId, grantId: { $in: grants } }) : { deletedCount: 0 };
  return own + byGrant;
}
