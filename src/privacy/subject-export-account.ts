import type { Models } from '../db/database.js';
import { subjectIdsOf } from './subject-erasure.js';

type Section = Record<string, unknown>;

const iso = (d: Date | undefined | null) => d?.toISOString() ?? null;

/**
 * The export's sections about the account around the profile: sign-ins in progress, the invitation, emailed
 * links, mails, second factors. What each is and when; never a token, hash, secret or message.
 */
export function accountSections(models: Models) {
  return {
    pendingLogins: async (tenantId: string, userId: string): Promise<Section> => {
      const pending = await models.pendingLogins.find({ tenantId, accountId: userId }).lean();
      return { sign_ins_in_progress: pending.map((p) => ({ methods: p.amr, steps_done: p.completed, expires_at: iso(p.expiresAt) })) };
    },
    invitations: async (tenantId: string, userId: string): Promise<Section> => {
      const invitations = await models.invitations.find({ tenantId, userId }).lean();
      return {
        invitations: invitations.map((i) => ({
          id: i._id,
          state: i.state,
          invited_by: i.invitedBy,
          roles: i.roles,
          doors: i.doors.map((d) => ({ door: d.doorKey, valid_from: iso(d.validFrom), valid_until: iso(d.validUntil) })),
          created_at: iso(i.createdAt),
          accepted_at: iso(i.acceptedAt),
        })),
      };
    },
    accountTokens: async (tenantId: string, userId: string): Promise<Section> => {
      const links = await models.accountTokens.find({ tenantId, userId }).lean();
      return { account_links: links.map((l) => ({ kind: l.kind, state: l.state, created_at: iso(l.createdAt), expires_at: iso(l.expiresAt), used_at: iso(l.usedAt) })) };
    },
    mailOutbox: async (tenantId: string, userId: string): Promise<Section> => {
      // Their invitation's mail is about the invitation, whose id named them before they were a user.
      const subjectIds = await subjectIdsOf(models, tenantId, userId);
      const mails = await models.mailOutbox.find({ tenantId, subjectId: { $in: subjectIds } }).lean();
      return { mails: mails.map((m) => ({ kind: m.kind, state: m.state, created_at: iso(m.createdAt), sent_at: iso(m.sentAt) })) };
    },
    mfaFactors: async (tenantId: string, userId: string): Promise<Section> => {
      const factors = await models.mfaFactors.find({ tenantId, userId }).sort({ createdAt: 1 }).lean();
      return {
        mfa_factors: factors.map((f) => ({
          type: f.type,
          device_type: f.deviceType ?? null,
          recovery_codes_left: f.codeHashes?.length ?? null,
          created_at: iso(f.createdAt),
          last_used_at: iso(f.lastUsedAt),
        })),
      };
    },
    mfaChallenges: async (tenantId: string, userId: string): Promise<Section> => ({
      mfa_ceremonies_in_progress: await models.mfaChallenges.countDocuments({ tenantId, userId }),
    }),
  };
}
