import { HttpError } from '../errors/http-errors.js';
import type { ScheduledJob } from '../jobs/scheduler.js';
import type { Services } from '../services.js';
import { eachTenant } from '../tenants/each-tenant.js';

export const CHANGE_LOG_CHECKPOINT = 'change-log-checkpoint';

type CheckpointServices = Pick<Services, 'tenants' | 'changeLog'>;

/** What a job that visits every tenant could not do for some of them; the others were done all the same. */
export interface TenantFailure {
  tenantId: string;
  slug: string;
  error: string;
}

/**
 * Keeps each tenant's checkpoint beside the backups current, so that at most one interval of entries could be
 * cut from the end of a chain unseen. A tenant whose chain did not move is not written again.
 */
export function checkpointJobs(services: CheckpointServices, everyMinutes: number): ScheduledJob[] {
  if (everyMinutes <= 0) return [];
  return [{ name: CHANGE_LOG_CHECKPOINT, everyMs: everyMinutes * 60_000, run: () => checkpointChangeLogs(services) }];
}

export async function checkpointChangeLogs(services: CheckpointServices): Promise<{ tenants: number; failed: TenantFailure[] }> {
  let tenants = 0;
  const failed: TenantFailure[] = [];
  for await (const tenant of eachTenant(services.tenants)) {
    try {
      await services.changeLog.checkpoint(tenant._id);
      tenants += 1;
    } catch (err) {
      failed.push(failureOf(tenant, err));
    }
  }
  return { tenants, failed };
}

/**
 * What the result keeps of a failure: the message only of our own typed errors, which name entries by seq;
 * of anything else its name, as a driver's message may quote the values of a query.
 */
export function failureOf(tenant: { _id: string; slug: string }, err: unknown): TenantFailure {
  const error = err instanceof HttpError ? `${err.name}: ${err.message}` : err instanceof Error ? err.name : 'Error';
  return { tenantId: tenant._id, slug: tenant.slug, error };
}
