import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import type { ChangeLogService } from '../audit/change-log.service.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import { ConflictError, NotFoundError } from '../errors/http-errors.js';
import type { TenantKeyRegistry } from '../privacy/tenant-key-registry.js';
import { eachTenant } from '../tenants/each-tenant.js';
import type { TenantService } from '../tenants/tenant.service.js';
import type { ArchiveScope, Compression } from './archive-format.js';
import { writeArchive, type ArchiveItem } from './archive-writer.js';
import { archivedCollections, rawDb, scopeFilter, type ArchivedCollection } from './collections.js';
import { COPY_ACTIONS, recordCopy, recordedOrRemoved, TenantCounts, tenantOfDocument } from './copy-record.js';
import { manifestPath, writeManifest, type Manifest } from './manifest.js';
import { checkMasterKeyOpens } from './master-key-check.js';
import { NO_PROGRESS, type Progress } from './progress.js';
import { registryPath } from './registry-file.js';
import { syncRegistryFile } from './registry.js';

export interface BackupDeps {
  db: Database;
  masterKey: MasterKey;
  tenants: TenantService;
  tenantKeys: TenantKeyRegistry;
  /** Where each copy is told to the tenants it covers (copy-record.ts). */
  changeLog: ChangeLogService;
}

export interface CreateBackupOptions {
  dir: string;
  /** One tenant's data only; all of it when absent. */
  tenantSlug?: string;
  compression?: Compression;
  progress?: Progress;
  now?: Date;
}

export interface CreatedBackup {
  file: string;
  manifest: Manifest;
}

export const ARCHIVE_EXTENSION = '.idparch';

export function backupFileName(createdAt: Date, scope: ArchiveScope): string {
  const stamp = createdAt.toISOString().replace(/[:.]/g, '-');
  return `backup-${stamp}-${scope.type === 'all' ? 'all' : `tenant-${scope.slug}`}${ARCHIVE_EXTENSION}`;
}

/**
 * A backup of everything, or of one tenant, under BACKUP_DIR: documents streamed from database cursors
 * straight into the archive as stored BSON, never gathered in memory. The key registry stays out (it is what
 * makes a terminated tenant unreadable); the registry file beside the backups is brought up to date after.
 *
 * A master key that does not open what is already sealed is refused before anything is written. The archive
 * and its manifest are each written under a temporary name and renamed, the manifest last, once the registry
 * file holds every key the archive needs: a manifest names a complete, restorable backup. Only then does each
 * tenant in it get its `backup.created` entry; a backup that fails on the way, or cannot be recorded, is removed.
 * Each tenant's change log is checkpointed beside the backups first, so the checkpoint never names an entry the
 * backup does not hold, and a restore of it still reaches that checkpoint.
 */
export async function createBackup(deps: BackupDeps, options: CreateBackupOptions): Promise<CreatedBackup> {
  // A tenant document of before the key registry holds its key, which a backup must never copy; migration 0001
  // moves it. The server runs migrations at start; a CLI on a database not yet migrated is told to.
  if (await rawDb(deps.db).collection('tenants').countDocuments({ wrappedDataKey: { $exists: true } }, { limit: 1 })) {
    throw new ConflictError('Tenant documents still hold their data keys: run `npm run idp -- migrate up` before taking a backup');
  }
  const scope: ArchiveScope = options.tenantSlug ? await tenantScope(deps.tenants, options.tenantSlug) : { type: 'all' };
  const tenantId = scope.type === 'tenant' ? scope.tenantId : undefined;
  const collections = archivedCollections(deps.db.models).filter((c) => scopeFilter(c, tenantId) !== null);
  const progress = options.progress ?? NO_PROGRESS;
  const createdAt = options.now ?? new Date();
  await checkMasterKeyOpens(deps, registryPath(options.dir), tenantId);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  await checkpointChangeLogs(deps, tenantId);
  progress.start('backup', await countDocuments(deps.db, collections, tenantId));
  const counts = new TenantCounts();
  const file = join(options.dir, backupFileName(createdAt, scope));
  try {
    const written = await writeArchive(documents(deps.db, collections, { tenantId, progress, counts }), {
      file,
      kind: 'backup',
      scope,
      secret: { type: 'master', masterKey: deps.masterKey },
      compression: options.compression,
      createdAt,
    });
    // The manifest is written whole or not at all: until it is, the archive alone is this backup's.
    const manifest = await recordedOrRemoved(async () => {
      await syncRegistryFile(deps, registryPath(options.dir));
      return writeManifest(written);
    }, [file]);
    await recordedOrRemoved(() => recordCopy(deps.changeLog, COPY_ACTIONS.backup, counts), [file, manifestPath(file)]);
    return { file, manifest };
  } finally {
    progress.stop();
  }
}

async function checkpointChangeLogs(deps: BackupDeps, tenantId: string | undefined): Promise<void> {
  if (tenantId !== undefined) {
    await deps.changeLog.checkpoint(tenantId);
    return;
  }
  for await (const tenant of eachTenant(deps.tenants)) await deps.changeLog.checkpoint(tenant._id);
}

async function tenantScope(tenants: TenantService, slug: string): Promise<ArchiveScope> {
  const tenant = await tenants.findBySlug(slug);
  if (!tenant) throw new NotFoundError('Tenant');
  return { type: 'tenant', tenantId: tenant._id, slug: tenant.slug };
}

async function* documents(db: Database, collections: ArchivedCollection[], at: { tenantId?: string; progress: Progress; counts: TenantCounts }): AsyncGenerator<ArchiveItem> {
  for (const collection of collections) {
    yield { type: 'collection', name: collection.name };
    // raw: the driver hands over each document's BSON as the server sent it, with no decoding on the way.
    const cursor = rawDb(db).collection(collection.name).find(scopeFilter(collection, at.tenantId)!, { raw: true, batchSize: 1000 });
    const owned = collection.tenantScoped || collection.model === 'tenants';
    for await (const bson of cursor) {
      yield { type: 'document', bson: bson as unknown as Buffer };
      // Decoded only to learn whose it is, and only when the backup holds more than one tenant.
      if (owned) at.counts.add(at.tenantId ?? tenantOfDocument(collection.name, BSON.deserialize(bson as unknown as Buffer)), collection.name);
      at.progress.advance(1);
    }
  }
}

async function countDocuments(db: Database, collections: ArchivedCollection[], tenantId: string | undefined): Promise<number> {
  let total = 0;
  for (const c of collections) {
    const collection = rawDb(db).collection(c.name);
    // An estimate is enough for a progress bar, and costs nothing on the whole collection.
    total += tenantId === undefined ? await collection.estimatedDocumentCount() : await collection.countDocuments(scopeFilter(c, tenantId)!);
  }
  return total;
}
