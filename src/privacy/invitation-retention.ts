import type { ChangeLogService } from '../audit/change-log.service.js';
import type { Models } from '../db/database.js';
import type { InvitationDoc } from '../invitations/invitation.model.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { TenantService } from '../tenants/tenant.service.js';
import type { SubjectErasure } from './subject-erasure.js';

const DAY_MS = 24 * 3600 * 1000;

/** How long an invitation that can no longer be accepted is kept, unless the tenant says otherwise. */
export const DEFAULT_INVITATION_RETENTION_DAYS = 30;

export interface InvitationRetentionDeps {
  tenants: TenantService;
  changeLog: ChangeLogService;
  subjects: SubjectErasure;
  models: Pick<Models, 'invitations' | 'mailOutbox'>;
}

/** What an invitation holds about the invitee, as the change log names it (fields present, never values). */
const HELD = ['email', 'name', 'locale', 'roles', 'doors', 'clientId', 'redirectUri', 'invitedBy'] as const;

/**
 * An invitation nobody accepted keeps the invitee's sealed address and name; once it can no longer be used it
 * serves nobody, so it goes `settings.invitationRetentionDays` (default 30) after it stopped being usable:
 * expiry, revocation, or the final failure of its mail. It goes as an erasure of the invitee does (an
 * invitation's id is their subject id until they accept): tombstoned, so no restore brings it back, its mails
 * with it, one `invitation.purged` entry each. Accepted invitations are not touched: they hold no address any
 * more, and erasing the user removes them.
 */
export async function purgeStaleInvitations(deps: InvitationRetentionDeps, now = new Date()): Promise<{ purged: number }> {
  let purged = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.tenants.list({ cursor, limit: 100 });
    for (const tenant of page.items) {
      // A terminated tenant's data is gone with its key; nothing is left to purge.
      if (tenant.state === 'terminated') continue;
      for (const invitation of await staleInvitations(deps.models, tenant, now)) {
        await purge(deps, tenant, invitation);
        purged += 1;
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { purged };
}

async function staleInvitations(models: InvitationRetentionDeps['models'], tenant: TenantDoc, now: Date): Promise<InvitationDoc[]> {
  const days = tenant.settings.invitationRetentionDays;
  if (!(days > 0)) return [];
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const tenantId = tenant._id;
  // The latest mail of a pending invitation given up on before the cutoff; an earlier one a resend replaced does not count.
  const failed = await models.mailOutbox.find({ tenantId, kind: 'invitation', state: 'failed', updatedAt: { $lte: cutoff } }, { _id: 1 }).lean();
  const ended = [
    { state: 'pending', expiresAt: { $lte: cutoff } },
    { state: 'revoked', revokedAt: { $lte: cutoff } },
    ...(failed.length ? [{ state: 'pending', deliveryJobId: { $in: failed.map((j) => j._id) } }] : []),
  ];
  // Read whole before any is purged: purging while a cursor is open would move documents under it.
  const filter: Record<string, unknown> = { tenantId, $or: ended };
  return models.invitations.find(filter).sort({ _id: 1 }).lean<InvitationDoc[]>();
}

async function purge(deps: InvitationRetentionDeps, tenant: TenantDoc, invitation: InvitationDoc): Promise<void> {
  const fields = [...HELD.filter((f) => invitation[f] !== undefined), 'state', 'tokenHash', 'mails'];
  const change = { action: 'invitation.purged', subjectType: 'invitation', subjectId: invitation._id, fields };
  await deps.changeLog.record(tenant._id, change, () => deps.subjects.eraseAround(tenant._id, invitation._id, 'erased'));
}
