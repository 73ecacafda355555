import { ForbiddenError } from '../errors/http-errors.js';
import type { Principal } from './principal.js';
import { TENANT_ROLES } from './route-spec.js';

/**
 * The roles that open the admin API itself. Giving one to a person is giving them that access, so a caller who
 * may manage users but is not a tenant admin could otherwise raise themselves, or an accomplice, above their
 * own rights: only a tenant admin (or an operator) hands these out or takes them away.
 */
export const ADMIN_ROLES: readonly string[] = TENANT_ROLES;

const mayGrantAdminRoles = (principal: Principal) => principal.operator || principal.roles.includes('tenant_admin');

/** Refuses a change of roles from `before` to `after` that adds or removes an admin role, unless the caller may. */
export function assertMayChangeAdminRoles(principal: Principal, before: readonly string[], after: readonly string[]): void {
  const changed = ADMIN_ROLES.filter((role) => before.includes(role) !== after.includes(role));
  if (changed.length && !mayGrantAdminRoles(principal)) {
    throw new ForbiddenError(`Only a tenant_admin may give or take away the roles: ${changed.join(', ')}`);
  }
}

/**
 * Refuses a change of credentials (email, password) of someone holding an admin role, unless the caller may
 * grant that role: pointing an admin's email at one's own mailbox, or setting their password, is taking over
 * their account and its rights.
 */
export function assertMayTakeOverAccountOf(principal: Principal, target: { roles: readonly string[] }, what: string): void {
  const held = ADMIN_ROLES.filter((role) => target.roles.includes(role));
  if (held.length && !mayGrantAdminRoles(principal)) {
    throw new ForbiddenError(`Only a tenant_admin may change the ${what} of a user holding ${held.join(', ')}`);
  }
}

type Holder = 'user' | 'service account';

/** What an admin role lets its holder do with personal data, told to the admin who gives it (GDPR art. 32). */
const ROLE_WARNINGS: Record<string, (holder: Holder) => string> = {
  auditor: (holder) =>
    `The auditor role lets this ${holder} read the complete personal-data change log of the tenant (who changed whose data, when). ${holder === 'user' ? 'Give it only to a person whose task needs it, and record why.' : 'Grant it only to a system that needs it, and keep its secret as safe as an administrator password.'}`,
  tenant_admin: (holder) =>
    `The tenant_admin role gives this ${holder} full access to the personal data of every user of the tenant, including changing and erasing it. ${holder === 'user' ? 'Record this processing, and give it only to a person whose task needs it.' : 'Record this processing, and keep its secret as safe as an administrator password.'}`,
};

/** Warnings for the roles in `after` that were not in `before`: only what this answer gives is warned about. */
export function roleWarnings(holder: Holder, after: readonly string[] | undefined, before: readonly string[] = []): string[] {
  return (after ?? []).flatMap((role) => (ROLE_WARNINGS[role] && !before.includes(role) ? [ROLE_WARNINGS[role](holder)] : []));
}
