import { PLATFORM_TENANT } from '../admin-api/principal.js';
import { ConflictError } from '../errors/http-errors.js';
import type { Services } from '../services.js';
import type { TenantDoc } from './tenant.model.js';
import { isDuplicateKey } from '../db/duplicate-key.js';

/**
 * The tenant platform operators belong to: their service accounts get their admin API tokens from its token
 * endpoint. Made at first start; every later call finds it. Two processes starting together both try to
 * create it, and the one that loses the unique slug reads the winner's.
 */
export async function ensurePlatformTenant(services: Pick<Services, 'tenants'>): Promise<TenantDoc> {
  const existing = await services.tenants.findBySlug(PLATFORM_TENANT);
  if (existing) return existing;
  try {
    return await services.tenants.create({ slug: PLATFORM_TENANT, name: 'Platform' });
  } catch (err) {
    if (!(err instanceof ConflictError) && !isDuplicateKey(err)) throw err;
    return services.tenants.getBySlug(PLATFORM_TENANT);
  }
}
