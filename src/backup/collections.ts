import type { Collection, Db, Document, Filter } from 'mongodb';
import type { Schema } from 'mongoose';
import type { Database, Models } from '../db/database.js';

export type ModelName = keyof Models;

export interface ArchivedCollection {
  model: ModelName;
  /** The collection's name in the database and in archives. */
  name: string;
  /** Carries `tenantId`: part of a one-tenant backup, and what termination empties. */
  tenantScoped: boolean;
}

/**
 * Models whose documents no backup holds: the tenant key registry, which must stay outside every backup for
 * crypto-shredding to work (see src/privacy/tenant-key.model.ts).
 */
const NEVER_ARCHIVED: readonly ModelName[] = ['tenantKeys'];

/** The collections a backup copies, tenants first: a restore learns which tenants it holds before their data. */
export function archivedCollections(models: Models): ArchivedCollection[] {
  const all = (Object.entries(models) as [ModelName, Models[ModelName]][])
    .filter(([model]) => !NEVER_ARCHIVED.includes(model))
    .map(([model, m]) => ({ model, name: m.collection.collectionName, tenantScoped: model !== 'tenants' && Boolean((m.schema as Schema).path('tenantId')) }));
  return [...all.filter((c) => c.model === 'tenants'), ...all.filter((c) => c.model !== 'tenants')];
}

export function collectionName(models: Models, model: ModelName): string {
  return models[model].collection.collectionName;
}

/**
 * The raw database: backups, restores and terminations read and write documents exactly as stored, across
 * tenants by design, which the models' tenant-scope guard exists to prevent everywhere else.
 */
export function rawDb(db: Database): Db {
  return db.connection.db!;
}

/** The filter of a scope's documents in one collection. */
export function scopeFilter(collection: ArchivedCollection, tenantId: string | undefined): Record<string, unknown> | null {
  if (tenantId === undefined) return {};
  if (collection.model === 'tenants') return { _id: tenantId };
  return collection.tenantScoped ? { tenantId } : null;
}

/**
 * Deletes what a filter matches, a thousand documents at a time: one delete of a whole large collection is more
 * than some servers take in one statement (FerretDB on SQLite fails at around a hundred thousand).
 */
export async function deleteAll(collection: Collection, filter: Filter<Document>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const ids = (await collection.find(filter, { projection: { _id: 1 }, limit: 1000 }).toArray()).map((d) => d._id);
    if (!ids.length) return deleted;
    deleted += (await collection.deleteMany({ _id: { $in: ids } })).deletedCount;
  }
}
