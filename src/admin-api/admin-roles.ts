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
 * The one rule for acting on a person: whoever may not grant the admin roles changes nothing of someone who
 * holds one. Deleting, locking, restricting or signing out an admin, resetting their second factor, pointing
 * their email at one's own mailbox or setting their password would each take away, or take over, their
 * account and its rights; reading them stays open to every manager of people.
 */
export function assertMayActOn(principal: Principal, target: { roles: readonly string[] }): void {
  const held = ADMIN_ROLES.filter((role) => target.roles.includes(role));
  if (held.length && !mayGrantAdminRoles(principal)) {
    throw new ForbiddenError(`Only a tenant_admin may act on a user holding ${held.join(', ')}`);
  }
}

/** Every route that changes something of one user, so the rule above cannot be forgotten on a new one. */
export const actsOnUser = (route: { method: string; path: string }): boolean => route.method !== 'get' && route.path.includes('/users/{userId}');

type Holder = 'user' | 'service account';

/** What an admin role lets its holder do with personal data, told to the admin who gives it (GDPR art. 32). */
const ROLE_WARNINGS: Record<string, (holder: Holder) => string> = {
  auditor: (holder) =>
    `The auditor role lets this ${holder} read the complete personal-data change log of the tenant (who changed whose data, when). ${holder === 'user' ? 'Give it only to a person whose task needs it, and record why.' : 'Grant it only to a system that needs it, and keep its secret as safe as an administrator password.'}`,
  scim_provisioner: (holder) =>
    `The scim_provisioner role lets this ${holder} create, change, deactivate${holder === 'user' ? '' : ' or erase'} every user of the tenant through SCIM and give them roles, except the admin roles. Grant it only to the directory that is the source of your users, and keep its secret as safe as an administrator password.`,
  tenant_admin: (holder) =>
    `The tenant_admin role gives this ${holder} full access to the personal data of every user of the tenant, including changing and erasing it. ${holder === 'user' ? 'Record this processing, and give it only to a person whose task needs it.' : 'Record this processing, and keep its secret as safe as an administrator password.'}`,
};

/** Warnings for the roles in `after` that were not in `before`: only what this answer gives is warned about. */
export function roleWarnings(holder: Holder, after: readonly string[] | undefined, before: readonly string[] = []): string[] {
  return (after ?? []).flatMap((role) => (ROLE_WARNINGS[role] && !before.includes(role) ? [ROLE_WARNINGS[role](holder)] : []));
}
