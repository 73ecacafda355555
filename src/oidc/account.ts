import type { Account, AccountClaims, KoaContextWithOIDC } from 'oidc-provider';
import type { DoorPermissionService } from '../doors/door-permission.service.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { UserService } from '../users/user.service.js';

/**
 * oidc-provider's view of a user. Only an active user is an account: a locked, restricted or anonymized user
 * (or any user of a suspended tenant) has none, so no token is issued, refreshed or honoured at userinfo.
 */
export function accountFinder(tenant: TenantDoc, users: UserService, doorPermissions: DoorPermissionService) {
  // oidc-provider asks for one account several times in one request (the grant's check, the ID token, the access
  // token's extra claims): the user and their door permissions are read once per request, not once per ask.
  const perRequest = new WeakMap<object, Map<string, Promise<Account | undefined>>>();
  return function findAccount(ctx: KoaContextWithOIDC | undefined, sub: string): Promise<Account | undefined> {
    if (!ctx) return loadAccount(sub);
    let accounts = perRequest.get(ctx);
    if (!accounts) perRequest.set(ctx, (accounts = new Map()));
    let account = accounts.get(sub);
    if (!account) accounts.set(sub, (account = loadAccount(sub)));
    return account;
  };

  async function loadAccount(sub: string): Promise<Account | undefined> {
    if (tenant.state !== 'active') return undefined;
    const user = await users.findById(tenant, sub);
    if (!user || user.status !== 'active') return undefined;
    let doors: ReturnType<DoorPermissionService['claimsFor']> | undefined;
    return {
      accountId: user.id,
      // As read now, so marking the user active after a refresh writes only when the mark is stale.
      lastActiveAt: user.lastActiveAt,
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
          // Under the `openid` scope's claims (provider.factory.ts): given only for the scope that grants them.
          roles: scopes.has('roles') ? user.roles : undefined,
          door_permissions: scopes.has('doors') ? await (doors ??= doorPermissions.claimsFor(tenant._id, user, new Date(), user)) : undefined,
        };
      },
    };
  }
}
