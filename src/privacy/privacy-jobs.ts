import type { Models } from '../db/database.js';
import type { ScheduledJob } from '../jobs/scheduler.js';
import type { Services } from '../services.js';
import type { UserModel } from '../users/user.model.js';
import { InactivityAnonymizer } from './inactivity-anonymizer.js';
import { purgeStaleInvitations } from './invitation-retention.js';

const DAY_MS = 24 * 3600 * 1000;

export const ANONYMIZE_INACTIVE = 'anonymize-inactive';
export const CHANGE_LOG_RETENTION = 'change-log-retention';
export const INVITATION_RETENTION = 'invitation-retention';
export const CHANGE_LOG_SETTLE = 'change-log-settle';

type JobServices = Pick<Services, 'tenants' | 'users' | 'changeLog' | 'subjects'>;

export function inactivityAnonymizer(services: JobServices, users: UserModel, now?: () => Date): InactivityAnonymizer {
  return new InactivityAnonymizer(users, services.tenants, services.users, now);
}

/**
 * The privacy promises kept by the clock: anonymization after inactivity, the change log's retention,
 * invitations that can no longer be accepted purged after theirs, and a change log that says what became of
 * every change it announced (see ChangeLogService.settle).
 */
export function privacyJobs(services: JobServices, models: Pick<Models, 'users' | 'invitations' | 'mailOutbox'>): ScheduledJob[] {
  return [
    { name: ANONYMIZE_INACTIVE, everyMs: DAY_MS, run: () => inactivityAnonymizer(services, models.users).run() },
    { name: CHANGE_LOG_RETENTION, everyMs: DAY_MS, run: () => pruneChangeLogs(services) },
    { name: INVITATION_RETENTION, everyMs: DAY_MS, run: () => purgeStaleInvitations({ ...services, models }) },
    { name: CHANGE_LOG_SETTLE, everyMs: 5 * 60_000, run: () => services.changeLog.settle() },
  ];
}

/**
 * Removes each tenant's change-log entries older than its retention (`settings.changeLogRetentionDays`). The
 * chain is cut only at its old end and anchored there, so it still verifies.
 */
export async function pruneChangeLogs(services: Pick<Services, 'tenants' | 'changeLog'>, now = new Date()): Promise<{ pruned: number }> {
  let pruned = 0;
  let cursor: string | undefined;
  do {
    const page = await services.tenants.list({ cursor, limit: 100 });
    for (const tenant of page.items) {
      const days = tenant.settings.changeLogRetentionDays;
      if (!(days > 0)) continue;
      pruned += await services.changeLog.prune(tenant._id, new Date(now.getTime() - days * DAY_MS));
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { pruned };
}
