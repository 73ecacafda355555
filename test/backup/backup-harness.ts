import { BSON } from 'mongodb';
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

/** Every document of every collection, as stored, in extended JSON: what a raw scan of the database sees. */
export async function rawDocuments(db: Database): Promise<{ collection: string; json: string }[]> {
  const out: { collection: string; json: string }[] = [];
  for (const { name } of await rawDb(db).listCollections({}, { nameOnly: true }).toArray()) {
    for (const doc of await rawDb(db).collection(name).find({}).toArray()) out.push({ collection: name, json: BSON.EJSON.stringify(doc) });
  }
  return out;
}

export async function countAll(db: Database): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of archivedCollections(db.models)) counts[name] = await rawDb(db).collection(name).countDocuments({});
  return counts;
}
