import type { Database } from '../db/database.js';
import { ConflictError } from '../errors/http-errors.js';
import type { ArchiveScope } from './archive-format.js';
import { archivedCollections, collectionName, deleteAll, rawDb } from './collections.js';

/** Where a restore writes: the collections backups hold here, and any the archive brings; never the registries. */
export function targetCollections(db: Database, archived: string[]): string[] {
  const registries = [collectionName(db.models, 'deletedSubjects'), collectionName(db.models, 'tenantKeys')];
  const names = new Set([...archivedCollections(db.models).map((c) => c.name), ...archived]);
  return [...names].filter((name) => !registries.includes(name));
}

/**
 * A restore goes into an empty target — the whole database, or for a one-tenant archive that tenant's part —
 * and refuses anything else unless forced, when the data of the scope is deleted first. The registries
 * (tenant keys, deleted subjects) do not count and are never deleted: they are what the restore obeys.
 */
export async function clearTarget(db: Database, names: string[], scope: ArchiveScope, force: boolean): Promise<void> {
  const raw = rawDb(db);
  if (scope.type === 'tenant') {
    const other = await raw.collection(collectionName(db.models, 'tenants')).findOne({ slug: scope.slug, _id: { $ne: scope.tenantId as never } });
    if (other) throw new ConflictError(`Another tenant already has the slug ${scope.slug}; the archive's tenant cannot be restored beside it`);
  }
  const filterOf = (name: string) => (scope.type === 'all' ? {} : name === 'tenants' ? { _id: scope.tenantId as never } : { tenantId: scope.tenantId });
  const occupied: string[] = [];
  for (const name of names) {
    if (await raw.collection(name).countDocuments(filterOf(name), { limit: 1 })) occupied.push(name);
  }
  if (!occupied.length) return;
  if (!force) {
    const what = scope.type === 'all' ? 'The target database is not empty' : `The target database already holds data of tenant ${scope.slug}`;
    throw new ConflictError(`${what} (${occupied.join(', ')}): restore into an empty database, or pass --force to replace that data`);
  }
  for (const name of occupied) await deleteAll(raw.collection(name), filterOf(name));
}
