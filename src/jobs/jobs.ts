import { checkpointJobs } from '../audit/change-log-checkpoint.job.js';
import { backupDirectory } from '../backup/backup-dir.js';
import { DEFAULT_KEEP_DAYS } from '../backup/backup-prune.js';
import { backupJobs } from '../backup/backup.job.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { privacyJobs } from '../privacy/privacy-jobs.js';
import type { Services } from '../services.js';
import { JobLocks } from './job-locks.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';

/** Every scheduled job of the deployment, under one set of leases. Built by the app, started by main.ts. */
export function createScheduler(
  db: Database,
  services: Services,
  /** Without the backup settings (a command that runs one privacy job), no backup job is registered. */
  config: Pick<Config, 'schedulerIntervalMs'> & Partial<Pick<Config, 'backupDir' | 'backupIntervalHours' | 'backupKeepDays' | 'changeLogCheckpointMinutes'>>,
  logger: SchedulerOptions['logger'],
): Scheduler {
  const { backupDir, backupIntervalHours = 0, backupKeepDays = DEFAULT_KEEP_DAYS, changeLogCheckpointMinutes = 0 } = config;
  const backups = backupDir ? backupJobs(services.backups, { dir: backupDirectory({ backupDir }), everyHours: backupIntervalHours, keepDays: backupKeepDays }) : [];
  // Checkpoints are kept beside the backups: without a backup folder there is nowhere outside the database for them.
  const checkpoints = backupDir ? checkpointJobs(services, changeLogCheckpointMinutes) : [];
  const jobs = [...privacyJobs(services, db.models, logger), ...backups, ...checkpoints];
  return new Scheduler(new JobLocks(db.models.jobLocks), jobs, { intervalMs: config.schedulerIntervalMs, logger });
}
