import { join } from 'node:path';
import type { ChangeLogService } from '../audit/change-log.service.js';
import type { ClientService } from '../clients/client.service.js';
import type { Models } from '../db/database.js';
import type { DoorPermissionService } from '../doors/door-permission.service.js';
import type { DoorService } from '../doors/door.service.js';
import { InvitationAcceptance } from '../invitations/invitation-acceptance.js';
import { InvitationDelivery } from '../invitations/invitation-delivery.js';
import { InvitationTargets } from '../invitations/invitation-view.js';
import { InvitationService } from '../invitations/invitation.service.js';
import { MailComposer } from '../mail/mail-composer.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { tenantLookup } from '../outbox/tenant-lookup.js';
import type { TenantKeyRegistry } from '../privacy/tenant-key-registry.js';
import { projectRoot } from '../project-root.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { UserService } from '../users/user.service.js';
import type { RateLimitStore } from '../security/rate-limit.store.js';
import { AccountLinks } from './account-links.js';
import { AccountTokens } from './account-tokens.js';
import { EmailVerificationService } from './email-verification.service.js';
import { LinkAttempts } from './link-attempts.js';
import { PasswordResetService, RESET_TTL_MS } from './password-reset.service.js';
import { SingleUse } from './single-use.js';

export interface AccountServiceDeps {
  models: Models;
  keyring: TenantKeyring;
  tenantKeys: TenantKeyRegistry;
  changeLog: ChangeLogService;
  users: UserService;
  doors: DoorService;
  doorPermissions: DoorPermissionService;
  clients: ClientService;
  rateLimits: RateLimitStore;
  /** The base of every link in account mail; services built without HTTP have none and send no mail. */
  publicUrl: string | undefined;
}

/** An invitation lives a week by default (a tenant may choose otherwise): its tries are counted per week. */
const INVITATION_ATTEMPTS_WINDOW_MS = 7 * 24 * 3_600_000;

/** The services behind account mail: the outbox, invitations, password reset and email verification. */
export function createAccountServices(deps: AccountServiceDeps) {
  const { models, keyring, changeLog, users } = deps;
  const outbox = new OutboxService(models.mailOutbox, keyring);
  const composer = new MailComposer(join(projectRoot(), 'views'));
  const links = new AccountLinks(deps.publicUrl);
  const once = SingleUse.on(models.accountTokens.db);
  const tokens = new AccountTokens(models.accountTokens, once);
  const targets = new InvitationTargets(deps.doors, deps.clients);
  const delivery = new InvitationDelivery(models.invitations, keyring, outbox, composer, links);
  const tenants = tenantLookup(models.tenants, deps.tenantKeys);
  const emailVerification = new EmailVerificationService(users, tokens, outbox, composer, links, keyring, async (id) => (await tenants([id])).get(id) ?? null);
  // Without a public URL (services built for a specification, not HTTP) there is no link to send.
  if (deps.publicUrl) users.onEmailChanged = (tenant, user) => emailVerification.send(tenant, user);
  return {
    outbox,
    invitations: new InvitationService(models.invitations, keyring, users, targets, changeLog, outbox, delivery),
    invitationAcceptance: new InvitationAcceptance(models.invitations, keyring, users, deps.doorPermissions, targets, changeLog, once, new LinkAttempts(deps.rateLimits, 'invitation', INVITATION_ATTEMPTS_WINDOW_MS)),
    passwordReset: new PasswordResetService(users, tokens, outbox, composer, links, new LinkAttempts(deps.rateLimits, 'reset', RESET_TTL_MS)),
    emailVerification,
  };
}
