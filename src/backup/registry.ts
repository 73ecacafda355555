import type { Database } from '../db/database.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { TenantKeyRegistry } from '../privacy/tenant-key-registry.js';
import { collectionName, rawDb } from './collections.js';
import { mergeRegistries, readRegistryFile, withoutTenant, writeRegistryFile, type RegistrySnapshot, type RegistryTombstone } from './registry-file.js';
import { journalDir, readJournal, removeJournalEntries } from './registry-journal.js';

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

export interface RegistryRead {
  snapshot: RegistrySnapshot;
  /** The journal entries it includes: a fold removes them once the file holds them. */
  journal: string[];
}

/**
 * What the registry beside the backups knows: the file and the journal entries of erasures made since it was
 * last written. The journal is read first: a fold elsewhere writes the file before removing the entries it
 * folded, so an entry gone from this read of the journal is in the file read after it.
 */
export async function readRegistry(file: string, masterKey: MasterKey): Promise<RegistryRead> {
  const journal = await readJournal(journalDir(file), [masterKey]);
  const snapshot = mergeRegistries(await readRegistryFile(file, masterKey), { tenants: [], deletedSubjects: journal.tombstones });
  return { snapshot, journal: journal.names };
}

/** What a restore (or a staging copy) must obey now: the database's registries, the registry file and its journal. */
export async function currentRegistry(deps: RegistryDeps, file: string): Promise<RegistrySnapshot> {
  return mergeRegistries(await registryFromDatabase(deps), (await readRegistry(file, deps.masterKey)).snapshot);
}

/** Brings the registry file up to date with the database and the journal (after a backup: every key it needs is then in the file). */
export async function syncRegistryFile(deps: RegistryDeps, file: string): Promise<RegistrySnapshot> {
  const read = await readRegistry(file, deps.masterKey);
  let merged = mergeRegistries(read.snapshot, await registryFromDatabase(deps));
  await writeRegistryFile(file, deps.masterKey, merged);
  // A termination between the reads and the write above would have its removal undone: look once more.
  const undone = (await deps.tenantKeys.all()).filter((d) => d.destroyedAt && merged.tenants.some((t) => t.tenantId === d.tenantId && !t.destroyedAt));
  if (undone.length) {
    merged = undone.reduce((snapshot, d) => withoutTenant(snapshot, d.tenantId, d.destroyedAt!), merged);
    await writeRegistryFile(file, deps.masterKey, merged);
  }
  await removeJournalEntries(journalDir(file), read.journal);
  return merged;
}

/** A terminated tenant's key and tombstones leave the registry file (and its journal), if there is one here. */
export async function forgetTenantInRegistryFile(masterKey: MasterKey, file: string, tenantId: string, at: Date): Promise<boolean> {
  const { snapshot, journal } = await readRegistry(file, masterKey);
  if (!snapshot.tenants.length && !snapshot.deletedSubjects.length) return false;
  await writeRegistryFile(file, masterKey, withoutTenant(snapshot, tenantId, at));
  await removeJournalEntries(journalDir(file), journal);
  return true;
}
