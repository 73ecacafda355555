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

/**
 * Ends one session of a user and what was issued through it: the grant it holds per client (its
 * `authorizations[clientId].grantId`) and every code and token of those grants, refresh tokens included.
 * False when the user has no such session.
 */
export async function revokeSession(entries: OidcEntryModel, tenantId: string, accountId: string, sessionId: string): Promise<boolean> {
  const session = await entries.findOne({ tenantId, kind: 'Session', id: sessionId, accountId }).lean();
  if (!session) return false;
  const { authorizations = {} } = JSON.parse(session.payload) as { authorizations?: Record<string, { grantId?: string }> };
  const grants = Object.values(authorizations).flatMap((a) => (a.grantId ? [a.grantId] : []));
  await entries.deleteOne({ tenantId, kind: 'Session', id: sessionId });
  if (grants.length) {
    // The Grant entry itself is found by its id; what was issued under it carries the grantId.
    await entries.deleteMany({ tenantId, $or: [{ kind: 'Grant', id: { $in: grants } }, { grantId: { $in: grants } }] });
  }
  return true;
}
