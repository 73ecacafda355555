import type { Context } from 'koa';
import type { Principal } from '../admin-api/principal.js';
import type { Services } from '../services.js';
import type { TenantDoc } from '../tenants/tenant.model.js';

/** What every SCIM handler is given: the tenant read fresh for this request, the caller, and its base URL. */
export interface ScimRequest {
  ctx: Context;
  tenant: TenantDoc;
  principal: Principal;
  /** PUBLIC_URL/t/<slug>/scim/v2: resources' `location` and `$ref` start here. */
  base: string;
}

export type ScimServices = Pick<Services, 'users' | 'roles' | 'clients' | 'tenants'>;

export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const MAX_PAGE = 200;

/** startIndex (1-based) and count of RFC 7644 §3.4.2.4; out-of-range values are read as the RFC says. */
export function pageOf(query: Context['query']): { startIndex: number; count: number } {
  const int = (v: unknown) => (typeof v === 'string' && /^-?\d{1,9}$/.test(v) ? Number(v) : undefined);
  const startIndex = Math.max(1, int(query.startIndex) ?? 1);
  const count = Math.min(MAX_PAGE, Math.max(0, int(query.count) ?? 100));
  return { startIndex, count };
}

export function listResponse(resources: object[], totalResults: number, startIndex: number) {
  return { schemas: [LIST_SCHEMA], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}
