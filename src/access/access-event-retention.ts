import type { Models } from '../db/database.js';
import type { TenantService } from '../tenants/tenant.service.js';
import { eachTenant } from '../tenants/each-tenant.js';

/** The default keeping of access events: 12 months, as the processing agreement's access log is described. */
export const ACCESS_EVENT_RETENTION_DAYS = 365;
export const ACCESS_EVENT_RETENTION = 'access-event-retention';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Removes each tenant's access events, and its locks' status reports, older than its
 * `accessEventRetentionDays` by the event's own time (a late upload of an old event goes at the next run).
 * Deletion ends the data, so no change-log entry per person: the retention is the tenant's standing instruction.
 */
export async function pruneAccessEvents(
  deps: { tenants: TenantService; models: Pick<Models, 'accessEvents' | 'lockStatusReports'> },
  now = new Date(),
): Promise<{ events: number; statusReports: number }> {
  let events = 0;
  let statusReports = 0;
  for await (const tenant of eachTenant(deps.tenants)) {
    const days = tenant.settings.accessEventRetentionDays ?? ACCESS_EVENT_RETENTION_DAYS;
    const before = new Date(now.getTime() - days * DAY_MS);
    events += (await deps.models.accessEvents.deleteMany({ tenantId: tenant._id, at: { $lt: before } })).deletedCount;
    statusReports += (await deps.models.lockStatusReports.deleteMany({ tenantId: tenant._id, receivedAt: { $lt: before } })).deletedCount;
  }
  return { events, statusReports };
}
