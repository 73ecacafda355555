import { tenantDataKeysToRegistry } from './0001-tenant-data-keys-to-registry.migration.js';
import { resourceServersToCollection } from './0002-resource-servers-to-collection.migration.js';
import { userLockOrigin } from './0003-user-lock-origin.migration.js';
import { tenantSettingsDefaults } from './0004-tenant-settings-defaults.migration.js';
import { ChangeLogService } from '../audit/change-log.service.js';
import type { Database } from '../db/database.js';
import { JobLocks } from '../jobs/job-locks.js';
import type { Migration } from './migration.js';
import { MigrationLock } from './migration-lock.js';
import { MigrationRunner } from './migration-runner.js';

/**
 * Every migration of this release, in order. A new one gets the next number and its own file; a released
 * one is never renumbered or edited, since databases record it as applied by number.
 */
export const MIGRATIONS: readonly Migration[] = [tenantDataKeysToRegistry, resourceServersToCollection, userLockOrigin, tenantSettingsDefaults];

export interface RunnerOptions {
  log?(message: string): void;
  onProgress?(label: string, done: number, total?: number): void | Promise<void>;
  /** The lock's lease; tests shorten it to see a killed holder's lease expire. */
  lockLeaseMs?: number;
  /** Another release's list (tests: an older or a newer one); this release's by default. */
  migrations?: readonly Migration[];
}

/** The runner of this release on a database, under the deployment's migration lock. */
export function createMigrationRunner(db: Database, options: RunnerOptions = {}): MigrationRunner {
  const { models } = db;
  const lock = new MigrationLock(new JobLocks(models.jobLocks), {
    leaseMs: options.lockLeaseMs,
    onWait: () => options.log?.('Another process is migrating the database; waiting for it to finish'),
  });
  // No address is ever in a migration's context, so the change log needs no key to hash one. What it must
  // report (a change whose outcome it could not record) goes to the operator's output with the rest.
  const report = (obj: object, msg: string) => options.log?.(`${msg} ${JSON.stringify(obj)}`);
  const changeLog = new ChangeLogService(models, { logger: { error: report, warn: report } });
  return new MigrationRunner({ models, changeLog, lock, migrations: options.migrations ?? MIGRATIONS, onProgress: options.onProgress, log: options.log });
}
