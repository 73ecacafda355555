import type { TenantDoc } from './tenant.model.js';
import type { TenantService } from './tenant.service.js';

/** Every tenant, a page at a time, for jobs that visit each one in turn. */
export async function* eachTenant(tenants: Pick<TenantService, 'list'>): AsyncGenerator<TenantDoc> {
  let cursor: string | undefined;
  do {
    const page = await tenants.list({ cursor, limit: 100 });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
