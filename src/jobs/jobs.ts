import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { privacyJobs } from '../privacy/privacy-jobs.js';
import type { Services } from '../services.js';
import { JobLocks } from './job-locks.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';

/** Every scheduled job of the deployment, under one set of leases. Built by the app, started by main.ts. */
export function createScheduler(db: Database, services: Services, config: Pick<Config, 'schedulerIntervalMs'>, logger: SchedulerOptions['logger']): Scheduler {
  return new Scheduler(new JobLocks(db.models.jobLocks), privacyJobs(services, db.models), { intervalMs: config.schedulerIntervalMs, logger });
}
