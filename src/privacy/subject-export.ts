import type { ChangeLogService } from '../audit/change-log.service.js';
import type { Models } from '../db/database.js';
import type { DoorPermissionService } from '../doors/door-permission.service.js';
import { openPayload } from '../oidc/oidc-payload.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { User, UserService } from '../users/user.service.js';
import type { SubjectDataModel } from './subject-data.registry.js';
import { deviceIdsOf, subjectIdsOf } from './subject-erasure.js';
import { accountSections } from './subject-export-account.js';
import { exportOidcEntries } from './subject-export-oidc.js';

type TenantRef = Pick<TenantDoc, '_id' | 'slug' | 'wrappedDataKey'>;
type Section = Record<string, unknown>;

const iso = (d: Date | undefined | null) => d?.toISOString() ?? null;

/**
 * A data subject's access and portability request: everything the registry says is held about one user, as
 * JSON. Never a secret: no password hash, token, token hash, blind index or sealed box leaves, only what they
 * describe. The export itself is a change-log entry about the user (`user.exported`).
 */
export class SubjectExport {
  /** One builder per place in the registry (the tombstone list excepted): a new place does not compile without one. */
  private readonly sections: Record<Exclude<SubjectDataModel, 'deletedSubjects'>, (tenant: TenantRef, user: User) => Promise<Section>>;

  constructor(
    private readonly models: Models,
    private readonly keyring: TenantKeyring,
    private readonly users: UserService,
    private readonly doorPermissions: DoorPermissionService,
    private readonly changeLog: ChangeLogService,
  ) {
    const account = accountSections(models);
    const byId = (build: (tenantId: string, userId: string) => Promise<Section>) => (tenant: TenantRef, user: User) => build(tenant._id, user.id);
    this.sections = {
      users: async (_tenant, user) => ({ profile: profileOf(user), roles: user.roles }),
      oidcEntries: (tenant, user) => this.oidcSections(tenant, user),
      pendingLogins: byId(account.pendingLogins),
      invitations: byId(account.invitations),
      accountTokens: byId(account.accountTokens),
      mailOutbox: byId(account.mailOutbox),
      webhookOutbox: async (tenant, user) => {
        const events = await models.webhookOutbox.find({ tenantId: tenant._id, subjectId: user.id }, { body: 0 }).sort({ createdAt: 1 }).lean();
        return { webhook_events: events.map((e) => ({ type: e.eventType, state: e.state, created_at: e.createdAt.toISOString(), sent_at: e.sentAt?.toISOString() ?? null })) };
      },
      mfaFactors: byId(account.mfaFactors),
      mfaChallenges: byId(account.mfaChallenges),
      doorPermissions: (tenant, user) => this.doorSection(tenant, user),
      roleMembershipChanges: async (tenant, user) => {
        const changes = await models.roleMembershipChanges.find({ tenantId: tenant._id, userId: user.id }).sort({ at: 1 }).lean();
        return { role_history: changes.map((c) => ({ role: c.role, change: c.change, at: c.at.toISOString(), by: c.by })) };
      },
      changeLog: (tenant, user) => this.changeLogSection(tenant, user),
      devices: async (tenant, user) => {
        const devices = await models.devices.find({ tenantId: tenant._id, userId: user.id }).sort({ createdAt: 1, _id: 1 }).lean();
        return { devices: devices.map((d) => ({ id: d._id, label: d.label, public_key: d.publicJwk, created_at: d.createdAt.toISOString(), revoked_at: d.revokedAt?.toISOString() ?? null })) };
      },
      revocations: async (tenant, user) => {
        const entries = await models.revocations.find({ tenantId: tenant._id, type: 'user', subjectId: user.id }).lean();
        return { revocations: entries.map((e) => ({ revoked_at: e.revokedAt.toISOString(), version: e.version })) };
      },
      accessEvents: async (tenant, user) => {
        // Theirs by their id, and those a lock reported by one of their devices' pseudonyms (phone keys).
        const deviceIds = await deviceIdsOf(models, tenant._id, [user.id]);
        const about = deviceIds.length ? { $or: [{ subjectId: user.id }, { deviceId: { $in: deviceIds } }] } : { subjectId: user.id };
        const events = await models.accessEvents.find({ tenantId: tenant._id, ...about }).sort({ at: 1, _id: 1 }).lean();
        const doors = await models.doors.find({ tenantId: tenant._id, _id: { $in: [...new Set(events.map((e) => e.doorId))] } }).lean();
        const keyOf = new Map(doors.map((d) => [d._id, d.key]));
        return {
          access_events: events.map((e) => ({ at: e.at.toISOString(), door: keyOf.get(e.doorId) ?? e.doorId, lock_id: e.lockId, device_id: e.deviceId ?? null, result: e.result, reason: e.reason, method: e.method })),
        };
      },
      // A pending marker repeats the change-log entry it was written for (action, field names, actor), which the
      // section above exports; it holds nothing of the person's besides.
      changeLogPending: async () => ({}),
      federatedIdentities: async (tenant, user) => {
        const links = await models.federatedIdentities.find({ tenantId: tenant._id, userId: user.id }).sort({ createdAt: 1 }).lean();
        return { federated_identities: links.map((l) => ({ issuer: l.issuer, subject: l.subject, linked_at: l.createdAt.toISOString() })) };
      },
    };
  }

  async export(tenant: TenantRef, userId: string): Promise<Section> {
    const user = await this.users.getById(tenant, userId);
    const change = { action: 'user.exported', subjectType: 'user', subjectId: user.id, fields: Object.keys(this.sections) };
    // The entry comes first, so the export lists itself among the entries about the user.
    return this.changeLog.record(tenant._id, change, async () => {
      const parts = await Promise.all(Object.values(this.sections).map((build) => build(tenant, user)));
      return { subject_id: user.id, tenant: tenant.slug, exported_at: new Date().toISOString(), ...Object.assign({}, ...parts) };
    });
  }

  private async oidcSections(tenant: TenantRef, user: User): Promise<Section> {
    const entries = await this.models.oidcEntries.find({ tenantId: tenant._id, accountId: user.id }).lean();
    const cipher = this.keyring.cipherFor(tenant);
    return exportOidcEntries(entries.map((e) => ({ kind: e.kind, payload: openPayload(cipher, e), expiresAt: e.expiresAt, device: e.device })));
  }

  private async doorSection(tenant: TenantRef, user: User): Promise<Section> {
    const grants = await this.models.doorPermissions.find({ tenantId: tenant._id, holderType: 'user', holderId: user.id }).sort({ _id: 1 }).lean();
    const doors = await this.models.doors.find({ tenantId: tenant._id, _id: { $in: [...new Set(grants.map((g) => g.doorId))] } }).lean();
    const byId = new Map(doors.map((d) => [d._id, d]));
    return {
      door_permissions: {
        // What their tokens carry now, through their own grants and their roles' (nothing while restricted).
        in_force: await this.doorPermissions.claimsFor(tenant._id, user),
        history: grants.map((g) => ({
          id: g._id,
          door: byId.get(g.doorId)?.key ?? g.doorId,
          door_name: byId.get(g.doorId)?.name ?? null,
          valid_from: iso(g.validFrom),
          valid_until: iso(g.validUntil),
          granted_at: iso(g.grantedAt),
          granted_by: g.grantedBy,
          revoked_at: iso(g.revokedAt),
          revoked_by: g.revokedBy ?? null,
        })),
      },
    };
  }

  /**
   * Entries about the user, about the invitation that named them first, and about their devices (an admin's
   * read of events a lock reported by a device's pseudonym). Request ids and addresses stay in the log.
   */
  private async changeLogSection(tenant: TenantRef, user: User): Promise<Section> {
    const named = await subjectIdsOf(this.models, tenant._id, user.id);
    const ids = [...named, ...(await deviceIdsOf(this.models, tenant._id, [user.id]))];
    const entries = (await Promise.all(ids.map((id) => this.changeLog.entriesAbout(tenant._id, id)))).flat().sort((a, b) => a.seq - b.seq);
    return {
      change_log: entries.map((e) => ({ seq: e.seq, at: e.at.toISOString(), actor: e.actor, action: e.action, subject_type: e.subjectType, subject_id: e.subjectId, fields: e.fields })),
    };
  }
}

function profileOf(u: User): Section {
  return {
    email: u.email ?? null,
    email_verified: u.emailVerified,
    name: u.name ?? null,
    given_name: u.givenName ?? null,
    family_name: u.familyName ?? null,
    phone: u.phone ?? null,
    external_id: u.externalId ?? null,
    locale: u.locale ?? null,
    status: u.status,
    last_active_at: iso(u.lastActiveAt),
    created_at: iso(u.createdAt),
    updated_at: iso(u.updatedAt),
  };
}
