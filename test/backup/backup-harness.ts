import type { BackupDeps } from '../../src/backup/backup-create.js';
import { archivedCollections, rawDb } from '../../src/backup/collections.js';
import type { Database } from '../../src/db/database.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

export function backupDeps(idp: TestIdp): BackupDeps {
  return { db: idp.db, masterKey: idp.masterKey, tenants: idp.services.tenants, tenantKeys: idp.services.tenantKeys, changeLog: idp.services.changeLog };
}

/** The data is lost; the registries (tenant keys, the deleted-subjects list) are not, as they are kept apart. */
export async function loseData(db: Database): Promise<void> {
  for (const { name } of archivedCollections(db.models)) {
    if (name !== 'deleted_subjects') await rawDb(db).collection(name).deleteMany({});
  }
}

/** Another process of the same deployment on the same database: nothing cached from before. */
export function restart(idp: TestIdp, masterKey: Buffer): Promise<TestIdp> {
  return startTestIdp({ database: idp.testDatabase, masterKey, env: { BACKUP_DIR: idp.config.backupDir } });
}

export async function countAll(db: Database): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of archivedCollections(db.models)) counts[name] = await rawDb(db).collection(name).countDocuments({});
  return counts;
}
