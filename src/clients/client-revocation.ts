import type { OidcEntryModel } from '../oidc/oidc-entry.model.js';

/**
 * Ends everything issued to a client at a tenant: its grants and every code and token, including tokens of
 * those grants that do not name the client themselves. Self-contained JWT access tokens cannot be recalled;
 * they expire within their short lifetime, and the admin API refuses a deleted service account at once.
 */
export async function revokeClient(entries: OidcEntryModel, tenantId: string, clientId: string): Promise<number> {
  const grants = await entries.distinct('grantId', { tenantId, clientId, grantId: { $ne: null } });
  const { deletedCount: own } = await entries.deleteMany({ tenantId, clientId });
  const { deletedCount: byGrant } = grants.length ? await entries.deleteMany({ tenantId, grantId: { $in: grants } }) : { deletedCount: 0 };
  return own + byGrant;
}
