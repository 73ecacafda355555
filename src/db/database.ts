import mongoose, { type Connection } from 'mongoose';
import { federatedIdentityModel } from '../federation/federated-identity.model.js';
import { upstreamIdpModel } from '../federation/upstream-idp.model.js';
import { accessEventModel } from '../access/access-event.model.js';
import { deviceModel } from '../access/device.model.js';
import { revocationModels } from '../access/revocation.model.js';
import { lockModel } from '../access/lock.model.js';
import { lockStatusReportModel } from '../access/lock-status.model.js';
import { changeLogModels } from '../audit/change-log.model.js';
import { clientModel } from '../clients/client.model.js';
import { doorModel } from '../doors/door.model.js';
import { doorPermissionModel } from '../doors/door-permission.model.js';
import { accountTokenModel } from '../account/account-token.model.js';
import { ensureSingleUseIndexes } from '../account/single-use.js';
import { invitationModel } from '../invitations/invitation.model.js';
import { jobLockModel } from '../jobs/job-lock.model.js';
import { migrationModel } from '../migrations/migration.model.js';
import { outboxJobModel } from '../outbox/outbox.model.js';
import { webhookDeliveryModel } from '../webhooks/webhook-delivery.model.js';
import { webhookSubscriptionModel } from '../webhooks/webhook-subscription.model.js';
import { signingKeyModel } from '../keys/signing-key.model.js';
import { mfaChallengeModel } from '../mfa/mfa-challenge.model.js';
import { mfaFactorModel } from '../mfa/mfa-factor.model.js';
import { oidcEntryModel } from '../oidc/oidc-entry.model.js';
import { pendingLoginModel } from '../oidc/pending-login.model.js';
import { deletedSubjectModel } from '../privacy/deleted-subject.model.js';
import { tenantKeyModel } from '../privacy/tenant-key.model.js';
import { roleMembershipChangeModel } from '../roles/role-membership.model.js';
import { roleModel } from '../roles/role.model.js';
import { ensureRateLimitIndexes } from '../security/rate-limit.store.js';
import { resourceServerModel } from '../tenants/resource-server.model.js';
import { tenantLogoModel } from '../tenants/tenant-logo.model.js';
import { tenantModel } from '../tenants/tenant.model.js';
import { userModel } from '../users/user.model.js';
import { ensureUserEmailIndex } from '../users/user-email-index.js';
import { DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from '../config.js';
import { detectCapabilities, type DatabaseCapabilities } from './capabilities.js';

export type Models = ReturnType<typeof registerModels>;

export interface Database {
  connection: Connection;
  models: Models;
  capabilities: DatabaseCapabilities;
  close(): Promise<void>;
}

function registerModels(connection: Connection) {
  return {
    tenants: tenantModel(connection),
    tenantLogos: tenantLogoModel(connection),
    users: userModel(connection),
    roles: roleModel(connection),
    roleMembershipChanges: roleMembershipChangeModel(connection),
    doors: doorModel(connection),
    doorPermissions: doorPermissionModel(connection),
    clients: clientModel(connection),
    resourceServers: resourceServerModel(connection),
    signingKeys: signingKeyModel(connection),
    oidcEntries: oidcEntryModel(connection),
    invitations: invitationModel(connection),
    accountTokens: accountTokenModel(connection),
    mailOutbox: outboxJobModel(connection),
    webhookSubscriptions: webhookSubscriptionModel(connection),
    webhookOutbox: webhookDeliveryModel(connection),
    pendingLogins: pendingLoginModel(connection),
    mfaFactors: mfaFactorModel(connection),
    mfaChallenges: mfaChallengeModel(connection),
    deletedSubjects: deletedSubjectModel(connection),
    tenantKeys: tenantKeyModel(connection),
    jobLocks: jobLockModel(connection),
    locks: lockModel(connection),
    lockStatusReports: lockStatusReportModel(connection),
    accessEvents: accessEventModel(connection),
    devices: deviceModel(connection),
    upstreamIdps: upstreamIdpModel(connection),
    federatedIdentities: federatedIdentityModel(connection),
    ...revocationModels(connection),
    migrations: migrationModel(connection),
    ...changeLogModels(connection),
  };
}

/** Documents with an `expiresAt` that the server removes itself where it can (TTL), else the sweeper does. */
const EXPIRING_COLLECTIONS = ['oidcEntries', 'pendingLogins', 'mfaChallenges'] as const satisfies readonly (keyof Models)[];

export interface ConnectOptions {
  /** The driver reports every command (see observability/command-monitor.ts): specs count them per flow. */
  monitorCommands?: boolean;
  timeouts?: DatabaseTimeouts;
}

export async function connectDatabase(uri: string, options: ConnectOptions = {}): Promise<Database> {
  const timeouts = options.timeouts ?? DEFAULT_DATABASE_TIMEOUTS;
  // Indexes are created here, explicitly, because some must differ by server (TTL or not).
  const connection = mongoose.createConnection(uri, {
    autoIndex: false,
    autoCreate: true,
    // Every operation is bounded by the driver's own timeouts: selection (no server), connect (a new
    // connection's handshake to a frozen server) and socket (a reply that never comes). No buffering in
    // Mongoose besides: it would wait for a reconnect on a timer of its own and fail with an error of its own.
    bufferCommands: false,
    serverSelectionTimeoutMS: timeouts.serverSelectionTimeoutMs,
    connectTimeoutMS: timeouts.serverSelectionTimeoutMs,
    socketTimeoutMS: timeouts.socketTimeoutMs,
    monitorCommands: options.monitorCommands ?? false,
  });
  await connection.asPromise();
  const models = registerModels(connection);
  const capabilities = await detectCapabilities(connection);
  await ensureIndexes(models, capabilities);
  await ensureRateLimitIndexes(connection.db!, capabilities);
  await ensureSingleUseIndexes(connection.db!, capabilities);
  return { connection, models, capabilities, close: () => connection.close() };
}

async function ensureIndexes(models: Models, capabilities: DatabaseCapabilities): Promise<void> {
  for (const model of Object.values(models)) {
    await model.createCollection().catch(ignoreExists);
    await model.createIndexes();
  }
  for (const name of EXPIRING_COLLECTIONS) {
    const options = capabilities.ttlIndexes ? { expireAfterSeconds: 0, name: 'expiresAt_ttl' } : { name: 'expiresAt_1' };
    await models[name].collection.createIndex({ expiresAt: 1 }, options);
  }
  await ensureUserEmailIndex(models.users.collection, capabilities);
}

function ignoreExists(err: { codeName?: string; code?: number }): void {
  if (err.codeName !== 'NamespaceExists' && err.code !== 48) throw err;
}
