import type { Context } from 'koa';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { User, UserService } from '../users/user.service.js';

/**
 * The person signed in at this tenant, from oidc-provider's session cookie: our own account pages use the
 * session a sign-in through any of the tenant's applications left, and need no login of their own. Only an
 * active user of an active tenant counts, as for tokens.
 */
export async function sessionAccount(ctx: Context, runtime: TenantRuntime, users: UserService): Promise<User | null> {
  const session = await runtime.provider.Session.get(ctx as never);
  if (!session?.accountId || runtime.tenant.state !== 'active') return null;
  const user = await users.findById(runtime.tenant, session.accountId);
  return user?.status === 'active' ? user : null;
}
