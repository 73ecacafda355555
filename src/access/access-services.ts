import type { ChangeLogService } from '../audit/change-log.service.js';
import type { ClientService } from '../clients/client.service.js';
import type { Models } from '../db/database.js';
import type { DoorPermissionService } from '../doors/door-permission.service.js';
import { AccessDecisionService } from './access-decision.service.js';
import { AccessEventIngestService } from './access-event-ingest.service.js';
import { AccessEventQueryService } from './access-event-query.service.js';
import { LockService } from './lock.service.js';

/** Locks and access decisions, wired from the models and the services they build on. */
export function createAccessServices(deps: { models: Models; clients: ClientService; doorPermissions: DoorPermissionService; changeLog: ChangeLogService }) {
  const { models } = deps;
  return {
    locks: new LockService(models.locks, models.lockStatusReports, models.doors, deps.clients),
    accessDecisions: new AccessDecisionService(models.users, models.doors, deps.doorPermissions.history, models.accessEvents, deps.changeLog),
    accessEventIngest: new AccessEventIngestService(models.accessEvents, models.doors, models.users, deps.changeLog),
    accessEventQuery: new AccessEventQueryService(models.accessEvents, models.doors, deps.changeLog),
  };
}
