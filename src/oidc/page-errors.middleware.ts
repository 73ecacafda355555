import type { Context, Next } from 'koa';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import { pageContext } from './provider-pages.js';

/**
 * A person on our pages gets a localized page, never JSON or a stack trace: an expired or unknown interaction,
 * a tampered form. Server faults are still thrown to the error middleware, which logs them.
 */
export function pageErrors(views: ViewRenderer) {
  return async function renderPageErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (err) {
      const e = err as { status?: number; statusCode?: number; error?: string };
      const status = e.status ?? e.statusCode ?? 500;
      if (status >= 500) throw err;
      const { tenant } = ctx.state.runtime as TenantRuntime;
      ctx.status = status;
      ctx.type = 'html';
      ctx.body = views.render('error', { ...pageContext(ctx, tenant), code: e.error ?? 'invalid_request' });
    }
  };
}
