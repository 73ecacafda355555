import type { ChangeLogService } from '../audit/change-log.service.js';
import { runWithContext, type RequestContext } from '../audit/request-context.js';
import { newId } from '../db/ids.js';
import type { DoorPermissionService } from '../doors/door-permission.service.js';
import { ConflictError, HttpError } from '../errors/http-errors.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { UserService } from '../users/user.service.js';
import type { LinkProblem } from '../account/account-tokens.js';
import { hashLinkToken, LINK_TOKEN } from '../account/link-token.js';
import type { SingleUse } from '../account/single-use.js';
import type { LinkAttempts } from '../account/link-attempts.js';
import type { InvitationDoc, InvitationModel } from './invitation.model.js';
import type { InvitationTargets } from './invitation-view.js';
import type { InvitedApp } from './invited-app.js';

/** What the acceptance page shows: the invitation as its recipient may see it. */
export interface OpenInvitation {
  id: string;
  email: string;
  name?: string;
  locale: string;
  /** The app the invitation names, where the person continues after accepting. */
  app?: InvitedApp;
}

/** A failed lookup still knows the invitation's language when the link was a real one. */
export type InvitationLookup = { ok: true; invitation: OpenInvitation } | { ok: false; problem: LinkProblem; locale?: string };
export type AcceptResult = { ok: true; userId: string; app?: InvitedApp } | { ok: false; problem: LinkProblem; locale?: string };

/** Thrown inside the change-log record when another acceptance won, so the entry is answered by `.failed`. */
class AlreadyTaken extends ConflictError {
  constructor() {
    super('The invitation is no longer pending');
  }
}

/** The invitee's side: open the link, choose a name and a password, become an active user. */
export class InvitationAcceptance {
  constructor(
    private readonly invitations: InvitationModel,
    private readonly keyring: TenantKeyring,
    private readonly users: UserService,
    private readonly doorPermissions: DoorPermissionService,
    private readonly targets: InvitationTargets,
    private readonly changeLog: ChangeLogService,
    private readonly once: SingleUse,
    /** The passwords each link takes, refused ones included. */
    private readonly attempts: LinkAttempts,
  ) {}

  /** Spends one of the link's tries of a password; false when none is left. */
  tryPassword(tenant: TenantDoc, token: string): Promise<boolean> {
    return this.attempts.take(tenant._id, token);
  }

  async find(tenant: TenantDoc, token: string): Promise<InvitationLookup> {
    const doc = LINK_TOKEN.test(token) ? await this.invitations.findOne({ tenantId: tenant._id, tokenHash: hashLinkToken(token) }).lean() : null;
    if (!doc) return { ok: false, problem: 'invalid' };
    const { locale } = doc;
    if (doc.state === 'accepted') return { ok: false, problem: 'used', locale };
    if (doc.state === 'revoked') return { ok: false, problem: 'revoked', locale };
    if (doc.expiresAt <= new Date() || !doc.email) return { ok: false, problem: 'expired', locale };
    const cipher = this.keyring.cipherFor(tenant);
    const app = doc.clientId ? await this.targets.app(tenant._id, doc.clientId) : undefined;
    const invitation = { id: doc._id, email: cipher.decrypt(doc.email, 'email'), name: cipher.decryptOptional(doc.name, 'name'), locale: doc.locale };
    return { ok: true, invitation: app ? { ...invitation, app } : invitation };
  }

  /**
   * Consumes the invitation and creates the user, as the invited person: the change log names them for
   * `invitation.accepted`, `user.created` and each door grant. Of two acceptances at once exactly one takes the
   * link (SingleUse) and creates a user; a failure after that reopens the invitation and gives the link back.
   */
  async accept(tenant: TenantDoc, token: string, form: { name: string; password: string }, request: Omit<RequestContext, 'actor'>): Promise<AcceptResult> {
    const found = await this.find(tenant, token);
    if (!found.ok) return found;
    const userId = newId('usr');
    const tenantId = tenant._id;
    const change = { action: 'invitation.accepted', subjectType: 'invitation', subjectId: found.invitation.id, fields: ['state', 'userId', 'email', 'name'] };
    try {
      await runWithContext({ ...request, actor: { type: 'user', id: userId } }, () =>
        this.changeLog.record(tenantId, change, async () => {
          const key = `invitation:${found.invitation.id}:${hashLinkToken(token)}`;
          if (!(await this.once.take(key))) throw new AlreadyTaken();
          const now = new Date();
          const filter = { tenantId, _id: found.invitation.id, tokenHash: hashLinkToken(token), state: 'pending' as const };
          const claimed = await this.invitations.findOneAndUpdate(filter, { $set: { state: 'accepted', acceptedAt: now, userId } }, { returnDocument: 'after' }).lean();
          if (!claimed) throw new AlreadyTaken();
          try {
            await this.createUser(tenant, claimed, userId, found.invitation, form);
          } catch (err) {
            await this.invitations.updateOne({ tenantId, _id: claimed._id, userId }, { $set: { state: 'pending' }, $unset: { acceptedAt: '', userId: '' } });
            await this.once.release(key);
            throw err;
          }
          // The user record holds the address and name from now on; the invitation keeps no copy.
          await this.invitations.updateOne({ tenantId, _id: claimed._id }, { $unset: { email: '', emailHash: '', name: '' } });
          return claimed;
        }),
      );
      return { ok: true, userId, app: found.invitation.app };
    } catch (err) {
      // Lost the race, or the address became a user's meanwhile: to the person, the link is used.
      if (!(err instanceof ConflictError)) throw err;
      const now = await this.find(tenant, token);
      return now.ok ? { ok: false, problem: 'used', locale: now.invitation.locale } : now;
    }
  }

  private async createUser(tenant: TenantDoc, doc: InvitationDoc, userId: string, invitation: OpenInvitation, form: { name: string; password: string }): Promise<void> {
    await this.users.create(tenant, {
      id: userId,
      email: invitation.email,
      name: form.name,
      password: form.password,
      locale: doc.locale,
      roles: doc.roles,
      // Following the link proved the person reads mail at this address.
      emailVerified: true,
      status: 'active',
    });
    for (const door of doc.doors) {
      const grant = { doorId: door.doorId, holderType: 'user' as const, holderId: userId, validFrom: door.validFrom, validUntil: door.validUntil };
      // A door archived since the invitation was made opens nothing any more; the account is still wanted.
      await this.doorPermissions.grant(tenant._id, grant).catch((err: unknown) => {
        if (!(err instanceof HttpError && (err.status === 404 || err.status === 409))) throw err;
      });
    }
  }
}
