import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { UnknownTenantError } from '../errors/http-errors.js';
import type { TenantPool } from './tenant-pool.js';
import type { TenantRuntime } from './tenant-runtime.js';

const TENANT_PATH = /^\/t\/([^/]+)(?:\/|$)/;
/** What the built provider answers from memory: no database read needs to come before it. */
const FROM_MEMORY = /^\/t\/[^/]+\/(?:\.well-known\/openid-configuration|jwks)$/;

/**
 * Routes /t/<slug>/... to the tenant: our own tenant routes first (sign-in pages and the like), then the
 * tenant's oidc-provider. An unknown tenant is a 404 (a problem, or a page for a browser), answered before any provider work.
 */
export function tenantMiddleware(pool: TenantPool<TenantRuntime>, tenantRouter: Router): Middleware {
  const routes = tenantRouter.routes();
  return async function routeToTenant(ctx: Context, next: Next): Promise<void> {
    const match = TENANT_PATH.exec(ctx.path);
    if (!match) return next();
    const runtime = FROM_MEMORY.test(ctx.path) ? await pool.getBuilt(match[1]!) : await pool.get(match[1]!);
    if (!runtime) throw new UnknownTenantError();
    ctx.state.runtime = runtime;
    await routes(ctx as Parameters<typeof routes>[0], () => runtime.oidc(ctx, next));
  };
}
