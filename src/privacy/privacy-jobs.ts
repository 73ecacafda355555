import { ACCESS_EVENT_RETENTION, pruneAccessEvents } from '../access/access-event-retention.js';
import { failureOf, type TenantFailure } from '../audit/change-log-checkpoint.job.js';
import type { Models } from '../db/database.js';
import type { ScheduledJob } from '../jobs/scheduler.js';
import type { Services } from '../services.js';
import { eachTenant } from '../tenants/each-tenant.js';
import type { UserModel } from '../users/user.model.js';
import { InactivityAnonymizer } from './inactivity-anonymizer.js';
import { purgeStaleInvitations } from './invitation-retention.js';
import type { ExportHandover } from './termination-handover.js';

const DAY_MS = 24 * 3600 * 1000;

export const ANONYMIZE_INACTIVE = 'anonymize-inactive';
export const CHANGE_LOG_RETENTION = 'change-log-retention';
export const INVITATION_RETENTION = 'invitation-retention';
export const TERMINATION_EXPORT_EXPIRY = 'termination-export-expiry';
export const CHANGE_LOG_SETTLE = 'change-log-settle';

type JobServices = Pick<Services, 'tenants' | 'users' | 'changeLog' | 'subjects'> & Partial<Pick<Services, 'exportHandover'>>;

/** Where a job that goes on past a tenant it could not serve says so. */
export interface JobLogger {
  error(obj: object, msg: string): void;
}

export function inactivityAnonymizer(services: JobServices, users: UserModel, now?: () => Date): InactivityAnonymizer {
  return new InactivityAnonymizer(users, services.tenants, services.users, now);
}

/**
 * The privacy promises kept by the clock: anonymization after inactivity, the change log's retention,
 * invitations that can no longer be accepted purged after theirs, access events after theirs, terminated
 * tenants' exports deleted when their handover period is over (hourly, so none outlives its period by more
 * than an hour), and a change log that says what became of every change it announced (see ChangeLogService.settle).
 */
export function privacyJobs(services: JobServices, models: Pick<Models, 'users' | 'invitations' | 'mailOutbox' | 'accessEvents' | 'lockStatusReports'>, logger?: JobLogger): ScheduledJob[] {
  return [
    { name: ANONYMIZE_INACTIVE, everyMs: DAY_MS, run: () => inactivityAnonymizer(services, models.users).run() },
    { name: CHANGE_LOG_RETENTION, everyMs: DAY_MS, run: () => pruneChangeLogs(services, new Date(), logger) },
    { name: INVITATION_RETENTION, everyMs: DAY_MS, run: () => purgeStaleInvitations({ ...services, models }) },
    { name: ACCESS_EVENT_RETENTION, everyMs: DAY_MS, run: () => pruneAccessEvents({ tenants: services.tenants, models }) },
    ...(services.exportHandover ? [exportExpiry(services.exportHandover)] : []),
    { name: CHANGE_LOG_SETTLE, everyMs: 5 * 60_000, run: () => services.changeLog.settle() },
  ];
}

function exportExpiry(handover: ExportHandover): ScheduledJob {
  return { name: TERMINATION_EXPORT_EXPIRY, everyMs: DAY_MS / 24, run: () => handover.expire() };
}

/**
 * Removes each tenant's change-log entries older than its retention (`settings.changeLogRetentionDays`). The
 * chain is cut only at its old end and anchored there, so it still verifies. A tenant whose chain is broken
 * keeps its entries (prune refuses to erase evidence) and is named in `failed` and the log; the tenants after
 * it are pruned all the same, as their retention is a promise of its own.
 */
export async function pruneChangeLogs(
  services: Pick<Services, 'tenants' | 'changeLog'>,
  now = new Date(),
  logger?: JobLogger,
): Promise<{ pruned: number; failed: TenantFailure[] }> {
  let pruned = 0;
  const failed: TenantFailure[] = [];
  for await (const tenant of eachTenant(services.tenants)) {
    const days = tenant.settings.changeLogRetentionDays;
    if (!(days > 0)) continue;
    try {
      pruned += await services.changeLog.prune(tenant._id, new Date(now.getTime() - days * DAY_MS));
    } catch (err) {
      const failure = failureOf(tenant, err);
      failed.push(failure);
      logger?.error({ err, tenantId: tenant._id }, 'change-log retention: tenant skipped');
    }
  }
  return { pruned, failed };
}
