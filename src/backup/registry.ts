import type { Database } from '../db/database.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { TenantKeyRegistry } from '../privacy/tenant-key-registry.js';
import { collectionName, rawDb } from './collections.js';
import { mergeRegistries, readRegistryFile, withoutTenant, writeRegistryFile, type RegistrySnapshot, type RegistryTombstone } from './registry-file.js';

export interface RegistryDeps {
  db: Database;
  masterKey: MasterKey;
  tenantKeys: TenantKeyRegistry;
}

/** The registries as the database holds them now: the tenant key registry and the deleted-subjects list. */
export async function registryFromDatabase({ db, tenantKeys }: Pick<RegistryDeps, 'db' | 'tenantKeys'>): Promise<RegistrySnapshot> {
  const tombstones = await rawDb(db)
    .collection(collectionName(db.models, 'deletedSubjects'))
    .find({}, { projection: { _id: 0, tenantId: 1, subjectId: 1, deletedAt: 1, reason: 1 } })
    .toArray();
  return { tenants: await tenantKeys.all(), deletedSubjects: tombstones as unknown as RegistryTombstone[] };
}

/** Brings the registry file up to date with the database (after a backup: every key it needs is then in the file). */
export async function syncRegistryFile(deps: RegistryDeps, file: string): Promise<RegistrySnapshot> {
  let merged = mergeRegistries(await readRegistryFile(file, deps.masterKey), await registryFromDatabase(deps));
  await writeRegistryFile(file, deps.masterKey, merged);
  // A termination between the reads and the write above would have its removal undone: look once more.
  const undone = (await deps.tenantKeys.all()).filter((d) => d.destroyedAt && merged.tenants.some((t) => t.tenantId === d.tenantId && !t.destroyedAt));
  if (undone.length) {
    merged = undone.reduce((snapshot, d) => withoutTenant(snapshot, d.tenantId, d.destroyedAt!), merged);
    await writeRegistryFile(file, deps.masterKey, merged);
  }
  return merged;
}

/** A terminated tenant's key and tombstones leave the registry file, if there is one here. */
export async function forgetTenantInRegistryFile(masterKey: MasterKey, file: string, tenantId: string, at: Date): Promise<boolean> {
  const current = await readRegistryFile(file, masterKey);
  if (!current.tenants.length && !current.deletedSubjects.length) return false;
  await writeRegistryFile(file, masterKey, withoutTenant(current, tenantId, at));
  return true;
}
