import type { ChangeLogService } from '../audit/change-log.service.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import type { TenantKeyRegistry } from '../privacy/tenant-key-registry.js';
import { ArchiveError, type ArchiveHeader } from './archive-format.js';
import { ArchiveReader } from './archive-reader.js';
import { collectionName, rawDb } from './collections.js';
import { COPY_ACTIONS, recordCopy, TenantCounts } from './copy-record.js';
import { readManifest } from './manifest.js';
import { NO_PROGRESS, type Progress } from './progress.js';
import { mergeRegistries } from './registry-file.js';
import { currentRegistry } from './registry.js';
import { survey, terminatedTenants } from './restore-survey.js';
import { clearTarget, targetCollections } from './restore-target.js';
import { tombstoneMap, writeDocuments, writeTombstones } from './restore-writer.js';

export interface RestoreDeps {
  db: Database;
  masterKey: MasterKey;
  tenantKeys: TenantKeyRegistry;
  /** The target's change log: each restored tenant is told of the restore (copy-record.ts). */
  changeLog: ChangeLogService;
}

export interface RestoreOptions {
  file: string;
  /** The registry file beside the backups (keys of live tenants, tombstones) and its journal: see registry-file.ts. */
  registryFile: string;
  /** Restore into a target that already holds data of the archive's scope, after deleting that data. */
  force?: boolean;
  progress?: Progress;
  batchSize?: number;
}

export interface RestoreReport {
  file: string;
  kind: ArchiveHeader['kind'];
  scope: ArchiveHeader['scope'];
  /** Documents written, per collection. */
  restored: Record<string, number>;
  /** Documents of erased subjects left out (they never touch the database again), per collection. */
  skipped: Record<string, number>;
  /** Documents that came back in another form: anonymized users, door grants ended by an erasure. */
  altered: Record<string, number>;
  /** Tenants whose data key was destroyed by termination: every document of theirs left out. */
  terminatedTenants: { tenantId: string; slug?: string; skipped: number }[];
  /** Tombstones the target holds afterwards: its own, the backup's and the registry file's. */
  tombstones: number;
}

/**
 * Restores an archive in two passes over the file. The first decrypts and checks everything — the manifest's
 * SHA-256, every chunk's seal, the final chunk, the counts — and learns the tenants, keys and tombstones; it
 * writes nothing, so a damaged or truncated file fails before the database is touched. Only then does the
 * second pass write. Chosen over restoring into staging collections and swapping them in: renames are not
 * atomic across collections, servers differ in what they can rename (FerretDB), and reading a local file
 * twice costs far less than writing every document twice.
 *
 * The filter is the deleted-subjects list at restore time: the target's, the registry file's (with its
 * journal of erasures since the last backup) and the backup's own, merged (the backup's list never replaces the current one). Each document passes through
 * `restoredForm`, which knows where a subject's data lives. Each restored tenant then gets a `backup.restored`
 * entry in its change log, with how many documents came back and how many were left out.
 */
export async function restoreBackup(deps: RestoreDeps, options: RestoreOptions): Promise<RestoreReport> {
  const progress = options.progress ?? NO_PROGRESS;
  const manifest = await readManifest(options.file);
  const keys = { masterKey: deps.masterKey };
  const total = Object.values(manifest.collections).reduce((a, b) => a + b, 0);

  const first = await ArchiveReader.open(options.file, keys, { expectedSha256: manifest.sha256 });
  if (first.header.kind === 'export') throw new ArchiveError('A tenant export is the customer\'s copy, not a backup: it is not restored');
  const held = await survey(first, progress, total);
  for (const [name, count] of Object.entries(manifest.collections)) {
    if ((first.counts[name] ?? 0) !== count) throw new ArchiveError(`The manifest counts ${count} ${name} documents, the archive holds ${first.counts[name] ?? 0}`);
  }

  const registry = mergeRegistries(await currentRegistry(deps, options.registryFile), { tenants: held.keys, deletedSubjects: held.tombstones });
  const terminated = terminatedTenants(held.tenants, registry);
  const scopeTenant = first.header.scope.type === 'tenant' ? first.header.scope.tenantId : undefined;
  const targets = targetCollections(deps.db, Object.keys(first.counts));
  await clearTarget(deps.db, targets, first.header.scope, options.force ?? false);

  for (const tenant of registry.tenants.filter((t) => held.tenants.has(t.tenantId))) await deps.tenantKeys.adopt(tenant);
  const kept = registry.deletedSubjects.filter((t) => !terminated.has(t.tenantId) && (scopeTenant === undefined || t.tenantId === scopeTenant));
  await writeTombstones(deps.db, kept);

  const report: RestoreReport = {
    file: options.file,
    kind: first.header.kind,
    scope: first.header.scope,
    restored: {},
    skipped: {},
    altered: {},
    terminatedTenants: [...terminated].map((tenantId) => ({ tenantId, slug: held.tenants.get(tenantId), skipped: 0 })),
    tombstones: 0,
  };
  const second = await ArchiveReader.open(options.file, keys, { expectedSha256: manifest.sha256 });
  const counts = new TenantCounts();
  progress.start('restore', total);
  try {
    await writeDocuments(deps.db, second, { tombstones: tombstoneMap(kept), terminated, report, counts, batchSize: options.batchSize ?? 1000, progress });
  } finally {
    progress.stop();
  }
  // After the documents: a restored change log is the chain these entries continue.
  await recordCopy(deps.changeLog, COPY_ACTIONS.restore, counts);
  // A restore is the one sanctioned rewind of a chain: the checkpoints beside the backups start again from it, or
  // every entry written after the backup was taken would read as cut from the restored log.
  for (const [tenantId] of counts.entries()) await deps.changeLog.checkpoint(tenantId, { always: true });
  report.tombstones = await rawDb(deps.db).collection(collectionName(deps.db.models, 'deletedSubjects')).countDocuments(scopeTenant ? { tenantId: scopeTenant } : {});
  return report;
}
