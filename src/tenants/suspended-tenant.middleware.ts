import type { Context, Next } from 'koa';
import type { TenantRuntime } from './tenant-runtime.js';

/**
 * A tenant that is not active issues no tokens. Users are refused by the account lookup (oidc/account.ts),
 * which covers sign-in and refresh; a service account's client credentials never reach it, so the token
 * endpoint refuses them here, as an OAuth error, before the provider signs anything.
 */
export async function refuseTokensWhileSuspended(ctx: Context, next: Next): Promise<void> {
  const { tenant } = ctx.state.runtime as TenantRuntime;
  if (tenant.state === 'active') return next();
  ctx.status = 400;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error: 'unauthorized_client', error_description: 'This tenant is suspended and issues no tokens' };
}
