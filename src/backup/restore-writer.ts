import { BSON, type AnyBulkWriteOperation, type Document } from 'mongodb';
import type { Database } from '../db/database.js';
import { restoredForm, type Tombstones } from '../privacy/restore-filter.js';
import type { ArchiveReader } from './archive-reader.js';
import type { RestoreReport } from './backup-restore.js';
import { collectionName, rawDb, type ModelName } from './collections.js';
import { skippedKey, tenantOfDocument, type TenantCounts } from './copy-record.js';
import type { Progress } from './progress.js';
import type { RegistryTombstone } from './registry-file.js';

/** The filter `restoredForm` consults, by subject id (ids are unique across tenants). */
export function tombstoneMap(tombstones: RegistryTombstone[]): Tombstones {
  return new Map(tombstones.map((t) => [t.subjectId, { deletedAt: t.deletedAt, reason: t.reason }]));
}

/** The merged list goes into the target: the backup's tombstones join the current ones, never replace them. */
export async function writeTombstones(db: Database, tombstones: RegistryTombstone[]): Promise<void> {
  const collection = rawDb(db).collection(collectionName(db.models, 'deletedSubjects'));
  for (let i = 0; i < tombstones.length; i += 1000) {
    const ops: AnyBulkWriteOperation[] = tombstones.slice(i, i + 1000).map((t) => {
      const reason = t.reason ?? 'erased';
      const update = reason === 'erased' ? { $set: { reason }, $setOnInsert: { deletedAt: t.deletedAt } } : { $setOnInsert: { reason, deletedAt: t.deletedAt } };
      return { updateOne: { filter: { tenantId: t.tenantId, subjectId: t.subjectId }, update, upsert: true } };
    });
    await collection.bulkWrite(ops, { ordered: false });
  }
}

export interface WriteContext {
  tombstones: Tombstones;
  terminated: Set<string>;
  report: RestoreReport;
  /** Per tenant: documents written, and `skipped_<collection>` for those left out about erased people. */
  counts: TenantCounts;
  batchSize: number;
  progress: Progress;
}

/** The second pass: every document through the filter, written in batches as it streams past. */
export async function writeDocuments(db: Database, reader: ArchiveReader, ctx: WriteContext): Promise<void> {
  const models = new Map(Object.entries(db.models).map(([model, m]) => [m.collection.collectionName, model as ModelName]));
  const terminatedCount = new Map<string, number>();
  let batch: Document[] = [];
  let current: string | undefined;
  const flush = async () => {
    if (current && batch.length) await rawDb(db).collection(current).insertMany(batch, { ordered: true });
    if (current) ctx.report.restored[current] = (ctx.report.restored[current] ?? 0) + batch.length;
    batch = [];
  };
  for await (const event of reader.events()) {
    if (event.type === 'collection') {
      await flush();
      current = event.name;
      continue;
    }
    ctx.progress.advance(1);
    // The registries were merged above; they are never copied over the target's.
    if (event.collection === 'deleted_subjects' || event.collection === 'tenant_keys') continue;
    // Exactly as stored: numbers keep their BSON types, so a restored document is byte for byte the backed-up one.
    const doc = BSON.deserialize(event.bson, { promoteValues: false }) as Record<string, unknown>;
    const tenantId = String(event.collection === 'tenants' ? doc._id : doc.tenantId);
    if (ctx.terminated.has(tenantId)) {
      terminatedCount.set(tenantId, (terminatedCount.get(tenantId) ?? 0) + 1);
      continue;
    }
    if (event.collection === 'tenants') delete doc.wrappedDataKey;
    const model = models.get(event.collection) ?? (event.collection as ModelName);
    const form = restoredForm(model, doc, ctx.tombstones);
    if (!form) {
      ctx.report.skipped[event.collection] = (ctx.report.skipped[event.collection] ?? 0) + 1;
      ctx.counts.add(tenantOfDocument(event.collection, doc), skippedKey(event.collection));
      continue;
    }
    if (form !== doc) ctx.report.altered[event.collection] = (ctx.report.altered[event.collection] ?? 0) + 1;
    ctx.counts.add(tenantOfDocument(event.collection, doc), event.collection);
    batch.push(form);
    if (batch.length >= ctx.batchSize) await flush();
  }
  await flush();
  for (const entry of ctx.report.terminatedTenants) entry.skipped = terminatedCount.get(entry.tenantId) ?? 0;
}
