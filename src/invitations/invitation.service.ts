import type { ChangeLogService } from '../audit/change-log.service.js';
import { provenanceFromContext } from '../audit/change-log-input.js';
import { normalizeEmail } from '../crypto/field-cipher.js';
import { newId } from '../db/ids.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/http-errors.js';
import type { Locale } from '../i18n/locales.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { UserService } from '../users/user.service.js';
import { newLinkToken } from '../account/link-token.js';
import type { InvitationDelivery } from './invitation-delivery.js';
import type { InvitationDoc, InvitationModel, InvitedDoor } from './invitation.model.js';
import { toInvitation, type Invitation, type InvitationTargets } from './invitation-view.js';

export interface InvitationInput {
  email: string;
  name?: string;
  locale?: Locale;
  roles: string[];
  doors: { doorKey: string; validFrom?: Date; validUntil?: Date }[];
  clientId?: string;
  redirectUri?: string;
}

export interface InvitationListQuery {
  state?: Invitation['state'];
  cursor?: string;
  limit: number;
}

/**
 * Invitations as admins manage them: create, list, resend, revoke. Each changes personal data (the invitee's
 * address and name), so each is one change-log entry about the invitation, written before the change.
 */
export class InvitationService {
  constructor(
    private readonly invitations: InvitationModel,
    private readonly keyring: TenantKeyring,
    private readonly users: UserService,
    private readonly targets: InvitationTargets,
    private readonly changeLog: ChangeLogService,
    private readonly outbox: OutboxService,
    private readonly delivery: InvitationDelivery,
  ) {}

  async create(tenant: TenantDoc, input: InvitationInput): Promise<Invitation> {
    return (await this.createWithLink(tenant, input)).invitation;
  }

  /**
   * Also answers the link, which exists in clear only now: for the one caller that must hand it over another
   * way than mail (the CLI's first operator, on a machine that may have no SMTP yet). The mail is sent all the same.
   */
  async createWithLink(tenant: TenantDoc, input: InvitationInput): Promise<{ invitation: Invitation; link: string }> {
    const cipher = this.keyring.cipherFor(tenant);
    const email = normalizeEmail(input.email);
    const emailHash = cipher.blindIndex(email, 'email');
    if ((await this.users.list(tenant, { email, limit: 1 })).items.length) throw new ConflictError('A user with this email already exists');
    if (await this.invitations.exists({ tenantId: tenant._id, emailHash, state: 'pending', expiresAt: { $gt: new Date() } })) {
      throw new ConflictError('An invitation to this email is pending: resend or revoke it');
    }
    // The pages speak only the tenant's languages; a mail in another one would lead to a page in a third.
    if (input.locale && !tenant.settings.locales.includes(input.locale)) throw new ValidationError([{ field: 'locale', message: "not one of the tenant's languages" }]);
    const doors: InvitedDoor[] = await this.targets.doors(tenant._id, input.doors);
    await this.targets.checkClient(tenant._id, input.clientId, input.redirectUri);
    const { token, tokenHash } = newLinkToken();
    const doc = {
      _id: newId('inv'),
      tenantId: tenant._id,
      email: cipher.encrypt(email, 'email'),
      emailHash,
      name: cipher.encryptOptional(input.name, 'name'),
      locale: input.locale ?? tenant.settings.defaultLocale ?? tenant.settings.locales[0] ?? 'en',
      roles: input.roles,
      doors,
      clientId: input.clientId,
      redirectUri: input.redirectUri,
      tokenHash,
      expiresAt: this.expiry(tenant),
      state: 'pending' as const,
      invitedBy: provenanceFromContext().actor,
    };
    const fields = ['email', 'name', 'locale', 'roles', 'doors', 'clientId', 'redirectUri'].filter((f) => doc[f as keyof typeof doc] !== undefined);
    const change = { action: 'invitation.created', subjectType: 'invitation', subjectId: doc._id, fields: [...fields, 'tokenHash', 'expiresAt'] };
    const created = await this.changeLog.record(tenant._id, change, async () => (await this.invitations.insertMany([doc]))[0]!.toObject());
    return { invitation: await this.delivery.send(tenant, created, token), link: this.delivery.link(tenant, token) };
  }

  async list(tenant: TenantDoc, query: InvitationListQuery): Promise<{ items: Invitation[]; nextCursor: string | null }> {
    const now = new Date();
    const filter: Record<string, unknown> = { tenantId: tenant._id };
    if (query.state === 'expired') Object.assign(filter, { state: 'pending', expiresAt: { $lte: now } });
    else if (query.state === 'pending') Object.assign(filter, { state: 'pending', expiresAt: { $gt: now } });
    else if (query.state) filter.state = query.state;
    // Ordered by id, which never changes, so a page boundary never moves while invitations are added.
    if (query.cursor) filter._id = { $gt: Buffer.from(query.cursor, 'base64url').toString('utf8') };
    const docs: InvitationDoc[] = await this.invitations.find(filter).sort({ _id: 1 }).limit(query.limit + 1).lean();
    const page = docs.slice(0, query.limit);
    const states = await this.outbox.states(tenant._id, page.flatMap((d) => (d.deliveryJobId ? [d.deliveryJobId] : [])));
    return {
      items: page.map((d) => toInvitation(this.keyring.cipherFor(tenant), d, states)),
      nextCursor: docs.length > query.limit ? Buffer.from(page[page.length - 1]!._id).toString('base64url') : null,
    };
  }

  async get(tenant: TenantDoc, id: string): Promise<Invitation> {
    const doc = await this.load(tenant, id);
    return toInvitation(this.keyring.cipherFor(tenant), doc, await this.outbox.states(tenant._id, doc.deliveryJobId ? [doc.deliveryJobId] : []));
  }

  /** A new link and a new expiry: the old link stops working at once, and its mail, if still queued, is not sent. */
  async resend(tenant: TenantDoc, id: string): Promise<Invitation> {
    const current = await this.load(tenant, id);
    if (current.state !== 'pending') throw new ConflictError(`An invitation that is ${current.state} cannot be resent`);
    const { token, tokenHash } = newLinkToken();
    const expiresAt = this.expiry(tenant);
    const change = { action: 'invitation.resent', subjectType: 'invitation', subjectId: id, fields: ['tokenHash', 'expiresAt'] };
    await this.changeLog.record(tenant._id, change, async () => {
      const { matchedCount } = await this.invitations.updateOne({ tenantId: tenant._id, _id: id, state: 'pending' }, { $set: { tokenHash, expiresAt } });
      if (!matchedCount) throw new ConflictError('The invitation is no longer pending');
    });
    await this.outbox.cancel(tenant._id, id);
    return this.delivery.send(tenant, { ...current, tokenHash, expiresAt }, token);
  }

  async revoke(tenant: TenantDoc, id: string): Promise<Invitation> {
    const current = await this.load(tenant, id);
    if (current.state !== 'pending') throw new ConflictError(`An invitation that is ${current.state} cannot be revoked`);
    const change = { action: 'invitation.revoked', subjectType: 'invitation', subjectId: id, fields: ['state'] };
    await this.changeLog.record(tenant._id, change, async () => {
      const { matchedCount } = await this.invitations.updateOne({ tenantId: tenant._id, _id: id, state: 'pending' }, { $set: { state: 'revoked', revokedAt: new Date() } });
      if (!matchedCount) throw new ConflictError('The invitation is no longer pending');
    });
    await this.outbox.cancel(tenant._id, id);
    return this.get(tenant, id);
  }

  private async load(tenant: TenantDoc, id: string): Promise<InvitationDoc> {
    const doc = await this.invitations.findOne({ tenantId: tenant._id, _id: id }).lean();
    if (!doc) throw new NotFoundError('Invitation');
    return doc;
  }

  private expiry(tenant: TenantDoc): Date {
    return new Date(Date.now() + (tenant.settings.invitationTtlHours ?? 168) * 3_600_000);
  }
}
