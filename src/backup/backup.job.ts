import type { ScheduledJob } from '../jobs/scheduler.js';
import { pruneBackups } from './backup-prune.js';
import type { BackupService } from './backup.service.js';

export const SCHEDULED_BACKUP = 'backup';

export interface BackupSchedule {
  dir: string;
  /** 0: the deployment takes its backups some other way (`npm run idp -- backup create` from cron). */
  everyHours: number;
  keepDays: number;
}

/**
 * The privacy policy's backups: one process of the deployment writes a backup of every tenant each interval
 * (daily by default) and removes those older than the retention (35 days), so no operator has to remember to.
 */
export function backupJobs(backups: BackupService, schedule: BackupSchedule): ScheduledJob[] {
  if (schedule.everyHours <= 0) return [];
  return [
    {
      name: SCHEDULED_BACKUP,
      everyMs: schedule.everyHours * 3600_000,
      async run() {
        const { file, manifest } = await backups.create({ dir: schedule.dir });
        const { removed } = await pruneBackups(schedule.dir, schedule.keepDays);
        return { file, bytes: manifest.bytes, removed: removed.length };
      },
    },
  ];
}
