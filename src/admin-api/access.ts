import { ForbiddenError, NotFoundError } from '../errors/http-errors.js';
import type { Principal } from './principal.js';
import type { Access } from './route-spec.js';

/**
 * The authorization matrix in one place. A tenant's caller never learns whether another tenant exists:
 * a foreign tenant answers 404, as a foreign id does. Operators manage tenants, not their people.
 */
export function authorize(access: Access, principal: Principal, tenantSlug: string | undefined): void {
  if (access.scope === 'platform') {
    if (!principal.operator) throw new ForbiddenError('Only platform operators may do this');
    return;
  }
  if (principal.operator && access.operator) return;
  if (principal.tenantSlug !== tenantSlug) {
    if (principal.operator) throw new ForbiddenError("Operators do not act on a tenant's personal data");
    throw new NotFoundError('Tenant');
  }
  if (!access.roles.some((role) => principal.roles.includes(role))) {
    throw new ForbiddenError(`Requires one of the roles: ${access.roles.join(', ')}`);
  }
}
