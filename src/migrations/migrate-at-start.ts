import type { Database } from '../db/database.js';
import { PendingMigrationsError } from './migration.errors.js';
import { createMigrationRunner, type RunnerOptions } from './migrations.js';

/**
 * What a server does before it serves: refuse a database a newer release migrated, then bring an older one
 * up to this release's schema. Every process of a deployment does this at once; the lock lets one of them
 * run the migrations while the others wait, and then they find nothing left to do. With `migrate` false (an
 * operator runs `migrate up` instead), a database with pending migrations is refused rather than served.
 */
export async function migrateAtStart(db: Database, options: RunnerOptions & { migrate: boolean }): Promise<void> {
  const runner = createMigrationRunner(db, options);
  await runner.assertNotNewer();
  if (options.migrate) {
    const ran = await runner.up();
    if (ran.length) options.log?.(`Migrated the database: ${ran.join(', ')}`);
    return;
  }
  const pending = await runner.pending();
  if (pending.length) throw new PendingMigrationsError(pending.map((p) => p.label));
}
