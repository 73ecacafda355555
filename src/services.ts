import type { Config } from './config.js';
import { ChangeLogService } from './audit/change-log.service.js';
import { revokeAccount } from './oidc/account-sessions.js';
import { ClientService } from './clients/client.service.js';
import type { MasterKey } from './crypto/master-key.js';
import type { Database } from './db/database.js';
import { DoorPermissionService } from './doors/door-permission.service.js';
import { DoorService } from './doors/door.service.js';
import { SigningKeyService } from './keys/signing-key.service.js';
import { TenantKeyring } from './tenants/tenant-keyring.js';
import { TenantService } from './tenants/tenant.service.js';
import { PasswordHasher } from './users/password-hasher.js';
import { UserService } from './users/user.service.js';

export type Services = ReturnType<typeof createServices>;

/** The domain services, wired once from the database, the master key and the configuration. */
export function createServices(db: Database, masterKey: MasterKey, config: Pick<Config, 'argon2'>) {
  const { models } = db;
  const keyring = new TenantKeyring(masterKey);
  const hasher = new PasswordHasher(config.argon2);
  const signingKeys = new SigningKeyService(models.signingKeys, masterKey);
  const changeLog = new ChangeLogService(models.changeLog, models.changeLogAnchors);
  return {
    keyring,
    hasher,
    signingKeys,
    tenants: new TenantService(models.tenants, signingKeys, masterKey),
    changeLog,
    users: new UserService(models.users, keyring, hasher, changeLog, (tenantId, accountId) => revokeAccount(models.oidcEntries, tenantId, accountId)),
    doors: new DoorService(models.doors),
    doorPermissions: new DoorPermissionService(models.doorPermissions, models.doors),
    clients: new ClientService(models.clients, masterKey),
  };
}
