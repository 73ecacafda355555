import type { TenantKeyRegistry } from '../privacy/tenant-key-registry.js';
import type { TenantDoc, TenantModel } from '../tenants/tenant.model.js';

export type TenantLookup = (tenantIds: readonly string[]) => Promise<Map<string, TenantDoc>>;

/**
 * Tenants by id with their data keys attached, as TenantService hands them out by slug: mail is stored by
 * tenant id, and opening its sealed message needs the key, which the tenant document itself no longer holds.
 */
export function tenantLookup(tenants: TenantModel, keys: Pick<TenantKeyRegistry, 'wrappedKeysOf'>): TenantLookup {
  return async (tenantIds) => {
    const ids = [...new Set(tenantIds)];
    if (!ids.length) return new Map();
    const docs = await tenants.find({ _id: { $in: ids } }).lean();
    const wrapped = await keys.wrappedKeysOf(ids);
    return new Map(docs.map((doc) => [doc._id, { ...doc, wrappedDataKey: wrapped.get(doc._id) as string }]));
  };
}
