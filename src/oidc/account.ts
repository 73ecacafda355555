import type { Account, AccountClaims, KoaContextWithOIDC } from 'oidc-provider';
import type { DoorPermissionService } from '../doors/door-permission.service.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { UserService } from '../users/user.service.js';

/**
 * oidc-provider's view of a user. Only an active user is an account: a locked, restricted or anonymized user
 * (or any user of a suspended tenant) has none, so no token is issued, refreshed or honoured at userinfo.
 */
export function accountFinder(tenant: TenantDoc, users: UserService, doorPermissions: DoorPermissionService) {
  return async function findAccount(_ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> {
    if (tenant.state !== 'active') return undefined;
    const user = await users.findById(tenant, sub);
    if (!user || user.status !== 'active') return undefined;
    return {
      accountId: user.id,
      async claims(_use: string, scope: string): Promise<AccountClaims> {
        const scopes = new Set(scope.split(' '));
        return {
          sub: user.id,
          name: user.name,
          given_name: user.givenName,
          family_name: user.familyName,
          locale: user.locale,
          updated_at: Math.floor(user.updatedAt.getTime() / 1000),
          email: user.email,
          email_verified: user.emailVerified,
          roles: user.roles,
          door_permissions: scopes.has('doors') ? await doorPermissions.claimsFor(tenant._id, user) : undefined,
        };
      },
    };
  };
}
