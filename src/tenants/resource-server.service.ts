import { createHash } from 'node:crypto';
import { tenantScopedId } from '../db/tenant-scope.plugin.js';
import { ignoreDuplicateKey, isDuplicateKey } from '../db/duplicate-key.js';
import { ConflictError, NotFoundError } from '../errors/http-errors.js';
import type { ResourceServerDoc, ResourceServerModel } from './resource-server.model.js';
import type { ResourceServer, TenantModel } from './tenant.model.js';

/** Both claims, what a resource registered before the choice existed has always received. */
export function claimsOf(resource: ResourceServer): NonNullable<ResourceServer['claims']> {
  return resource.claims ?? ['roles', 'door_permissions'];
}

/**
 * A resource's handle in admin API paths, derived from its identifier: an identifier is a URI, awkward in a
 * path, and it never changes (a resource with another identifier is another audience).
 */
export function resourceId(identifier: string): string {
  return `rsv_${createHash('sha256').update(identifier).digest('base64url').slice(0, 22)}`;
}

function toResource(doc: ResourceServerDoc): ResourceServer {
  return { indicator: doc.indicator, ...(doc.name ? { name: doc.name } : {}), scopes: doc.scopes, accessTokenTtl: doc.accessTokenTtl, ...(doc.claims ? { claims: doc.claims } : {}) };
}

/** A tenant's resource servers (see resource-server.model.ts). Each change bumps the tenant's configVersion. */
export class ResourceServerService {
  constructor(
    private readonly resources: ResourceServerModel,
    private readonly tenants: TenantModel,
  ) {}

  async list(tenantId: string): Promise<ResourceServer[]> {
    return (await this.listOf([tenantId])).get(tenantId) ?? [];
  }

  /** The resources of several tenants in one query (a page of tenants), oldest first. */
  async listOf(tenantIds: string[]): Promise<Map<string, ResourceServer[]>> {
    const docs = await this.resources.find({ tenantId: { $in: tenantIds } }).lean();
    docs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.indicator.localeCompare(b.indicator));
    const byTenant = new Map<string, ResourceServer[]>();
    for (const doc of docs) byTenant.set(doc.tenantId, [...(byTenant.get(doc.tenantId) ?? []), toResource(doc)]);
    return byTenant;
  }

  async get(tenantId: string, id: string): Promise<ResourceServer> {
    const doc = await this.resources.findOne({ _id: tenantScopedId(tenantId, id) }).lean();
    if (!doc) throw new NotFoundError('Resource server');
    return toResource(doc);
  }

  async create(tenantId: string, resource: ResourceServer): Promise<ResourceServer> {
    try {
      await this.resources.insertMany([{ _id: tenantScopedId(tenantId, resourceId(resource.indicator)), tenantId, ...resource }]);
    } catch (error) {
      if (isDuplicateKey(error)) throw new ConflictError(`Resource server ${resource.indicator} already exists`);
      throw error;
    }
    await this.changed(tenantId);
    return resource;
  }

  async update(tenantId: string, id: string, patch: Partial<Omit<ResourceServer, 'indicator'>>): Promise<ResourceServer> {
    const doc = await this.resources.findOneAndUpdate({ _id: tenantScopedId(tenantId, id) }, { $set: patch }, { returnDocument: 'after' }).lean();
    if (!doc) throw new NotFoundError('Resource server');
    await this.changed(tenantId);
    return toResource(doc);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const { deletedCount } = await this.resources.deleteOne({ _id: tenantScopedId(tenantId, id) });
    if (!deletedCount) throw new NotFoundError('Resource server');
    await this.changed(tenantId);
  }

  /**
   * Resources still listed in a tenant document (tenants made before this collection) move here; inserting
   * is idempotent, so processes doing it at once agree. The caller removes them from the document.
   */
  async adopt(tenantId: string, legacy: ResourceServer[]): Promise<void> {
    for (const resource of legacy) {
      await this.resources
        .insertMany([{ _id: tenantScopedId(tenantId, resourceId(resource.indicator)), tenantId, ...resource }])
        .catch(ignoreDuplicateKey);
    }
  }

  /** Every process rebuilds the tenant's provider on a new configVersion (src/tenants/tenant-pool.ts). */
  private async changed(tenantId: string): Promise<void> {
    await this.tenants.updateOne({ _id: tenantId }, { $inc: { configVersion: 1 } });
  }
}
