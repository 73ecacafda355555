import type { ChangeLogService } from '../audit/change-log.service.js';
import type { ClientService } from '../clients/client.service.js';
import type { Models } from '../db/database.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { DoorPermissionService } from '../doors/door-permission.service.js';
import type { SigningKeyService } from '../keys/signing-key.service.js';
import type { RateLimitStore } from '../security/rate-limit.store.js';
import { AccessDecisionService } from './access-decision.service.js';
import type { DatabaseCapabilities } from '../db/capabilities.js';
import { AccessEventIngestService } from './access-event-ingest.service.js';
import { AccessEventQueryService } from './access-event-query.service.js';
import { PROOF_REPLAY_WINDOW_SECONDS } from './device-proof.js';
import { DeviceService } from './device.service.js';
import { DoorKeyService } from './door-key.service.js';
import { LockService } from './lock.service.js';
import { RevocationListService } from './revocation-list.service.js';

/** Locks, access decisions and phone keys, wired from the models and the services they build on. */
export function createAccessServices(deps: {
  models: Models;
  clients: ClientService;
  doorPermissions: DoorPermissionService;
  changeLog: ChangeLogService;
  masterKey: MasterKey;
  signingKeys: SigningKeyService;
  rateLimits: RateLimitStore;
  capabilities: Pick<DatabaseCapabilities, 'idInIndexed'>;
}) {
  const { models } = deps;
  const revocations = new RevocationListService(models.revocations, models.revocationCounters, models.users, models.deletedSubjects, models.doorPermissions, deps.signingKeys);
  return {
    revocations,
    proofReplays: deps.rateLimits.limiter('dpop-jti', { points: 1, durationSeconds: PROOF_REPLAY_WINDOW_SECONDS }),
    devices: new DeviceService(models.devices, deps.masterKey, deps.changeLog, revocations),
    doorKeys: new DoorKeyService(models.users, deps.doorPermissions.history, deps.signingKeys),
    locks: new LockService(models.locks, models.lockStatusReports, models.doors, deps.clients),
    accessDecisions: new AccessDecisionService(models.users, models.doors, deps.doorPermissions.history, models.accessEvents, deps.changeLog),
    accessEventIngest: new AccessEventIngestService(models.accessEvents, models.doors, models.users, models.devices, deps.changeLog, deps.capabilities),
    accessEventQuery: new AccessEventQueryService(models.accessEvents, models.doors, models.devices, deps.changeLog),
  };
}
