import { ResourceServerService } from '../tenants/resource-server.service.js';
import type { ResourceServer } from '../tenants/tenant.model.js';
import type { Migration } from './migration.js';

/**
 * Tenants made before the resource_servers collection listed their resource servers in
 * `settings.resources`, and every read of a tenant moved them. Here they move once: inserted by their
 * derived id (a second insert of one is a duplicate and ignored, so a rerun adds nothing), then removed from
 * the document, whose configVersion is bumped so every process rebuilds its provider from the collection.
 */
export const resourceServersToCollection: Migration = {
  id: 2,
  name: 'resource-servers-to-collection',
  summary: 'moves resource servers listed in old tenant documents into the resource_servers collection',
  // The previous release reads the collection and moves whatever a tenant document still lists.
  safeWithOldProcesses: true,
  async up({ models, progress }) {
    const resources = new ResourceServerService(models.resourceServers, models.tenants);
    // The raw collection: the tenant schema no longer knows the path, so a model update would drop it.
    const tenants = models.tenants.collection;
    const filter = { 'settings.resources': { $exists: true } };
    const total = await tenants.countDocuments(filter);
    let done = 0;
    for (let doc = await tenants.findOne(filter); doc; doc = await tenants.findOne(filter)) {
      const listed = ((doc.settings as { resources?: ResourceServer[] }).resources ?? []) as ResourceServer[];
      await resources.adopt(String(doc._id), listed);
      await tenants.updateOne({ _id: doc._id }, { $unset: { 'settings.resources': '' }, $inc: { configVersion: 1 } });
      await progress((done += 1), total);
    }
  },
  // Nothing to put back: the previous release reads resource servers from the collection.
  async down() {},
};
