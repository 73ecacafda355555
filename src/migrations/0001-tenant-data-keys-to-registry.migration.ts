import { ignoreDuplicateKey } from '../db/duplicate-key.js';
import type { Migration } from './migration.js';

/**
 * Tenants made before the key registry kept their wrapped data key in the tenant document, and every read of
 * a tenant moved it (a write during a read). Here each key moves once: copied into the registry (an entry
 * already there, e.g. one a termination destroyed, wins), then removed from the document. The key stays
 * wrapped: nothing is decrypted, and it is no personal data, so no change-log entry.
 */
export const tenantDataKeysToRegistry: Migration = {
  id: 1,
  name: 'tenant-data-keys-to-registry',
  summary: 'moves data keys kept in old tenant documents into the tenant key registry',
  // The previous release reads keys from the registry first and moves any it finds in a tenant document.
  safeWithOldProcesses: true,
  async up({ models, progress }) {
    // The raw collection: the tenant schema no longer has the field.
    const tenants = models.tenants.collection;
    const filter = { wrappedDataKey: { $exists: true } };
    const total = await tenants.countDocuments(filter);
    let done = 0;
    // One at a time, re-queried: each write removes the document from the filter, so a cursor would skip.
    for (let doc = await tenants.findOne(filter); doc; doc = await tenants.findOne(filter)) {
      const tenantId = String(doc._id);
      await models.tenantKeys
        .updateOne({ tenantId, _id: tenantId }, { $setOnInsert: { wrappedDataKey: doc.wrappedDataKey, createdAt: new Date() } }, { upsert: true })
        .catch(ignoreDuplicateKey);
      await tenants.updateOne({ _id: doc._id }, { $unset: { wrappedDataKey: '' } });
      await progress((done += 1), total);
    }
  },
  // Nothing to put back: the previous release finds the keys in the registry, where it put them itself.
  async down() {},
};
