import type { ChangeLogService } from '../audit/change-log.service.js';
import type { ClientService } from '../clients/client.service.js';
import { normalizeEmail } from '../crypto/field-cipher.js';
import { ConflictError, ValidationError, type FieldIssue } from '../errors/http-errors.js';
import type { Locale } from '../i18n/locales.js';
import { OPERATOR_ROLE } from '../admin-api/principal.js';
import type { InvitationService } from '../invitations/invitation.service.js';
import { EmailAddress } from '../users/email-address.js';
import type { UserModel } from '../users/user.model.js';
import type { CreateTenantInput, TenantService } from './tenant.service.js';
import { DEFAULT_LOCALES, type TenantDoc } from './tenant.model.js';

/** The role a tenant's first admins, and an admin sent by an operator to a tenant that lost all of its own, hold. */
export const ADMIN_ROLE = 'tenant_admin';
export const MAX_FIRST_ADMINS = 10;

export interface AdminInvitee {
  email: string;
  name?: string;
  locale?: Locale;
}

/** What an operator learns of an invitation they caused: that it exists and until when; nothing of the person. */
export interface SentInvitation {
  id: string;
  expiresAt: Date;
}

/**
 * Gives a tenant its admins, which operators cannot be: invitations holding `tenant_admin`, sent by the same
 * invitation service (and mail, in the same language rule) as any admin's. The change logs name whoever acts
 * (an operator through the admin API, the CLI's job), as the request context says.
 */
export class TenantOnboarding {
  constructor(
    private readonly tenants: TenantService,
    private readonly invitations: InvitationService,
    private readonly users: UserModel,
    private readonly clients: ClientService,
    private readonly changeLog: ChangeLogService,
  ) {}

  /**
   * Every invitee is checked before the tenant exists, so bad input leaves nothing behind: a tenant nobody
   * can administer would otherwise be left for an operator to clean up.
   */
  async createWithAdmins(input: CreateTenantInput, admins: AdminInvitee[]): Promise<{ tenant: TenantDoc; invitations: SentInvitation[] }> {
    if (admins.length > MAX_FIRST_ADMINS) throw new ValidationError([{ field: 'admins', message: `at most ${MAX_FIRST_ADMINS}` }]);
    const issues = checkInvitees(admins, input.settings?.locales ?? DEFAULT_LOCALES);
    if (issues.length) throw new ValidationError(issues);
    const tenant = await this.tenants.create(input);
    const invitations: SentInvitation[] = [];
    for (const admin of admins) invitations.push(await this.invite(tenant, admin));
    return { tenant, invitations };
  }

  /**
   * Break-glass: a new admin for a tenant that has none left. Refused while the tenant can still invite one
   * itself (an active user or a service account holding tenant_admin), so an operator can never enrol someone
   * into a tenant that runs itself. The platform's change log records that an operator did this, the tenant's
   * records the invitation; both name the operator.
   */
  async inviteReplacementAdmin(platformTenantId: string, tenant: TenantDoc, admin: AdminInvitee): Promise<SentInvitation> {
    // The platform's people are operators; they come from `init --email`, not from a tenant_admin invitation.
    if (tenant._id === platformTenantId) throw new ConflictError('The platform tenant takes no tenant_admin invitations');
    if (tenant.state !== 'active') throw new ConflictError(`Tenant ${tenant.slug} is ${tenant.state}; resume it first`);
    checkInvitee(admin, tenant);
    if (await this.hasAdmin(tenant)) throw new ConflictError(`Tenant ${tenant.slug} still has an active ${ADMIN_ROLE}; its admins invite new ones`);
    const change = { action: 'tenant.admin_invited', subjectType: 'tenant', subjectId: tenant._id, fields: ['invitation'] };
    return this.changeLog.record(platformTenantId, change, () => this.invite(tenant, admin));
  }

  /**
   * The first operator as a person (`init --email`): an invitation into the platform tenant holding
   * platform_operator. The link is answered too, so it can be handed over where no mail leaves the machine yet.
   */
  async inviteOperator(platform: TenantDoc, invitee: AdminInvitee): Promise<SentInvitation & { link: string }> {
    checkInvitee(invitee, platform);
    const { invitation, link } = await this.invitations.createWithLink(platform, { ...invitee, roles: [OPERATOR_ROLE], doors: [] });
    return { id: invitation.id, expiresAt: invitation.expiresAt, link };
  }

  async hasAdmin(tenant: TenantDoc): Promise<boolean> {
    if (await this.users.exists({ tenantId: tenant._id, roles: ADMIN_ROLE, status: 'active' })) return true;
    return (await this.clients.findWithServiceRole(tenant._id, ADMIN_ROLE)) !== undefined;
  }

  private async invite(tenant: TenantDoc, admin: AdminInvitee): Promise<SentInvitation> {
    const created = await this.invitations.create(tenant, { email: admin.email, name: admin.name, locale: admin.locale, roles: [ADMIN_ROLE], doors: [] });
    return { id: created.id, expiresAt: created.expiresAt };
  }
}

/** One invitee, its fields named as a request of one person names them (`email`, `locale`). */
function checkInvitee(invitee: AdminInvitee, tenant: TenantDoc): void {
  const issues = checkInvitees([invitee], tenant.settings.locales).map((i) => ({ ...i, field: i.field.replace(/^admins\.0\./, '') }));
  if (issues.length) throw new ValidationError(issues);
}

/** What the invitation service would refuse only after the tenant exists: a bad address, one listed twice, a language the tenant lacks. */
function checkInvitees(admins: AdminInvitee[], locales: readonly string[]): FieldIssue[] {
  const seen = new Set<string>();
  return admins.flatMap((admin, i) => {
    const issues: FieldIssue[] = [];
    if (!EmailAddress.safeParse(admin.email).success) issues.push({ field: `admins.${i}.email`, message: 'not an email address' });
    else if (seen.has(normalizeEmail(admin.email))) issues.push({ field: `admins.${i}.email`, message: 'listed twice' });
    else seen.add(normalizeEmail(admin.email));
    if (admin.locale && !locales.includes(admin.locale)) issues.push({ field: `admins.${i}.locale`, message: "not one of the tenant's languages" });
    return issues;
  });
}
