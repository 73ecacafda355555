import type { Config } from './config.js';
import { createAccessServices } from './access/access-services.js';
import { createAccountServices } from './account/account-services.js';
import { AccountSessions } from './account/sessions.service.js';
import { changeLogIpHash } from './audit/change-log-input.js';
import { CheckpointFile, checkpointDir } from './audit/change-log-checkpoint-file.js';
import { CheckpointSigner } from './audit/change-log-checkpoint.js';
import type { ChangeLogLogger } from './audit/change-log-pending.js';
import { ChangeLogService } from './audit/change-log.service.js';
import { revokeAccount } from './oidc/account-sessions.js';
import { revokeClient } from './clients/client-revocation.js';
import { ClientService } from './clients/client.service.js';
import type { MasterKey } from './crypto/master-key.js';
import { BoundedCache } from './db/bounded-cache.js';
import type { Database } from './db/database.js';
import { DoorPermissionService } from './doors/door-permission.service.js';
import { DoorService } from './doors/door.service.js';
import { SigningKeyService } from './keys/signing-key.service.js';
import { MfaService } from './mfa/mfa.service.js';
import { RoleMembershipHistory } from './roles/role-membership-history.js';
import { RoleService } from './roles/role.service.js';
import { LoginLockout } from './security/login-lockout.js';
import { RateLimitStore } from './security/rate-limit.store.js';
import { FederatedLogin } from './federation/federated-login.js';
import { UpstreamIdpService } from './federation/upstream-idp.service.js';
import { TenantKeyRegistry } from './privacy/tenant-key-registry.js';
import { TenantKeyring } from './tenants/tenant-keyring.js';
import { TenantOnboarding } from './tenants/tenant-onboarding.service.js';
import { ResourceServerService } from './tenants/resource-server.service.js';
import { TenantLogoService } from './tenants/tenant-logo.service.js';
import { TenantService } from './tenants/tenant.service.js';
import { PasswordHasher } from './users/password-hasher.js';
import { SubjectErasure } from './privacy/subject-erasure.js';
import { SubjectExport } from './privacy/subject-export.js';
import { DEFAULT_HANDOVER_DAYS, ExportHandover, exportsDir } from './privacy/termination-handover.js';
import { TerminationService } from './privacy/termination.service.js';
import { BackupService } from './backup/backup.service.js';
import { backupDirectory } from './backup/backup-dir.js';
import { registryPath } from './backup/registry-file.js';
import { journalDir, TombstoneJournal } from './backup/registry-journal.js';
import { UserService } from './users/user.service.js';
import { eventsOfEntry } from './webhooks/webhook-events.js';
import { WebhookService } from './webhooks/webhook.service.js';
import { AccessWebhookEvents } from './webhooks/access-webhook-events.js';
import { WebhookPersonalData } from './webhooks/webhook-personal-data.js';
import { tenantLookup } from './outbox/tenant-lookup.js';

export type Services = ReturnType<typeof createServices>;

/**
 * The domain services, wired once from the database, the master key and the configuration. Without a
 * `backupDir` (benchmarks, specs that keep no backups) erasures are recorded in the database alone. The
 * logger hears what must not go unheard, a change log that overstates (see ChangeLogService).
 */
export function createServices(
  db: Database,
  masterKey: MasterKey,
  config: Pick<Config, 'argon2'> & Partial<Pick<Config, 'publicUrl' | 'backupDir' | 'tenantRefreshMs' | 'terminationExportKeepDays' | 'webhooks'>>,
  logger: ChangeLogLogger,
) {
  const { models } = db;
  const keyring = new TenantKeyring(masterKey);
  const hasher = new PasswordHasher(config.argon2);
  const signingKeys = new SigningKeyService(models.signingKeys, masterKey);
  const tenantKeys = new TenantKeyRegistry(models.tenantKeys, masterKey);
  const backupDir = config.backupDir === undefined ? undefined : backupDirectory({ backupDir: config.backupDir });
  const signer = new CheckpointSigner(masterKey);
  const checkpoints = { signer, ...(backupDir === undefined ? {} : { file: new CheckpointFile(checkpointDir(backupDir), signer) }) };
  const changeLog = new ChangeLogService(models, { ipHash: changeLogIpHash(masterKey), logger, checkpoints });
  const revoke = (tenantId: string, accountId: string) => revokeAccount(models.oidcEntries, tenantId, accountId);
  const memberships = new RoleMembershipHistory(models.roleMembershipChanges, models.users, models.deletedSubjects);
  // Doors named in claims are trusted as long as tenants' versions are (TENANT_REFRESH_MS), like client registrations.
  const doors = new DoorService(models.doors, new BoundedCache({ ttlMs: config.tenantRefreshMs ?? 0, max: 10_000 }));
  const keptDoors = (tenantId: string, ids: string[]) => doors.keptByIds(tenantId, ids);
  const doorPermissions = new DoorPermissionService(models.doorPermissions, models.doors, models.users, models.roles, changeLog, memberships, keptDoors);
  const rateLimits = new RateLimitStore(db.connection.db!, db.capabilities, masterKey);
  const journal = backupDir === undefined ? undefined : new TombstoneJournal(journalDir(registryPath(backupDir)), masterKey);
  const subjects = new SubjectErasure(models, revoke, journal);
  const resourceServers = new ResourceServerService(models.resourceServers, models.tenants);
  const webhookUsers: Pick<UserService, 'findById'> = { findById: (tenant, id) => core.users.findById(tenant, id) };
  const webhookPersonalData = new WebhookPersonalData(tenantLookup(models.tenants, tenantKeys), keyring, webhookUsers);
  const webhooks = new WebhookService(models.webhookSubscriptions, models.webhookOutbox, masterKey, { allowPrivate: config.webhooks?.allowPrivateUrls ?? false }, webhookPersonalData, config.tenantRefreshMs ?? 0);
  // Every path that changes personal data (admin API, sign-in, SCIM, jobs) goes through the change log.
  changeLog.onRecorded = async (entry) => {
    for (const event of eventsOfEntry(entry)) await webhooks.emit(entry.tenantId, event, entry.at);
  };
  doorPermissions.onRoleGrantChanged = (tenantId, c) =>
    webhooks.emit(tenantId, { type: `door_permission.${c.action}`, data: { role: c.role, door: c.doorKey, permission_id: c.permissionId } });
  const core = {
    keyring,
    hasher,
    signingKeys,
    tenantKeys,
    tenants: new TenantService(models.tenants, signingKeys, tenantKeys, resourceServers),
    resourceServers,
    changeLog,
    webhooks,
    users: new UserService(models.users, keyring, hasher, changeLog, revoke, subjects, memberships),
    subjects,
    doors,
    doorPermissions,
    roles: new RoleService(models.roles, models.users, doorPermissions),
    // Registrations are trusted as long as tenants' versions are (TENANT_REFRESH_MS): one bound for every process.
    clients: new ClientService(models.clients, masterKey, (tenantId, clientId) => revokeClient(models.oidcEntries, tenantId, clientId), {
      cacheTtlMs: config.tenantRefreshMs ?? 0,
    }),
    mfa: new MfaService(models.mfaFactors, models.mfaChallenges, keyring, changeLog, rateLimits),
    rateLimits,
    sessions: new AccountSessions(models.oidcEntries, changeLog),
    upstreamIdps: new UpstreamIdpService(models.upstreamIdps, masterKey, config.tenantRefreshMs ?? 0),
  };
  const federatedLogin = new FederatedLogin({ upstreamIdps: core.upstreamIdps, identities: models.federatedIdentities, users: core.users, changeLog });
  const tenantLogos = new TenantLogoService(models.tenantLogos, core.tenants);
  const lockout = new LoginLockout(core.rateLimits);
  core.users.onSignInFailuresCleared = (tenantId, emailHash) => lockout.clear(tenantId, emailHash);
  const subjectExport = new SubjectExport(models, keyring, core.users, doorPermissions, changeLog);
  // Without a backup folder there is nowhere to keep an export waiting for its handover.
  const exportHandover =
    backupDir === undefined
      ? undefined
      : new ExportHandover({ dir: exportsDir(backupDir), keepDays: config.terminationExportKeepDays ?? DEFAULT_HANDOVER_DAYS, tenants: core.tenants, changeLog });
  const termination = new TerminationService({ db, masterKey, tenants: core.tenants, tenantKeys, keyring, changeLog, handover: exportHandover });
  const backups = new BackupService({ db, masterKey, tenants: core.tenants, tenantKeys, changeLog });
  const account = createAccountServices({ ...core, models, publicUrl: config.publicUrl });
  const onboarding = new TenantOnboarding(core.tenants, account.invitations, models.users, core.clients, changeLog);
  const access = createAccessServices({ models, clients: core.clients, doorPermissions, changeLog, masterKey, signingKeys, rateLimits, capabilities: db.capabilities });
  const accessWebhookEvents = new AccessWebhookEvents(webhooks, logger);
  access.accessDecisions.onDecided = (tenantId, event) => accessWebhookEvents.decided(tenantId, event);
  access.accessEventIngest.onStored = (tenantId, events) => accessWebhookEvents.uploaded(tenantId, events);
  return { ...core, federatedLogin, tenantLogos, lockout, subjectExport, termination, exportHandover, backups, ...account, onboarding, ...access };
}
