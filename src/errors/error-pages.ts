import type { Context } from 'koa';
import { negotiateLocale } from '../i18n/locales.js';
import { pageContext } from '../oidc/provider-pages.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import { errorContent, PLATFORM_NAME, type ErrorKind } from './error-content.js';

// Every version of the admin API, and any path under it that matches no route.
const ADMIN_API = '/admin/api';

/**
 * A browser, one whose Accept header prefers HTML to JSON, gets a page; anyone else (no Accept, `*`/`*`, JSON)
 * keeps problem+json. The admin API answers problem+json whatever is asked: its clients are programs.
 */
export function wantsHtml(ctx: Context): boolean {
  if (ctx.path === ADMIN_API || ctx.path.startsWith(`${ADMIN_API}/`)) return false;
  return ctx.accepts('json', 'html') === 'html';
}

/** Which page an error shown to a browser is: by status, and for a 404 whether the tenant itself is unknown. */
export function errorKindOf(status: number, unknownTenant: boolean): ErrorKind {
  if (unknownTenant) return 'unknown_tenant';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'server_error';
  return 'request';
}

/**
 * Renders the error page in the person's language: the tenant's name and languages when the request reached
 * a tenant, the neutral brand and every language otherwise. No stack trace or error message reaches it; a
 * server error shows the request id, which finds the logged fault.
 */
export function renderErrorPage(ctx: Context, views: ViewRenderer, kind: ErrorKind, code?: string): void {
  const runtime = ctx.state.runtime as TenantRuntime | undefined;
  const page = runtime
    ? pageContext(ctx, runtime.tenant)
    : { locale: negotiateLocale({ acceptLanguage: ctx.get('accept-language') || undefined }), nonce: ctx.state.cspNonce ?? '', tenantName: PLATFORM_NAME };
  const content = errorContent(page.locale, kind, { code, reference: ctx.state.requestId, tenantName: page.tenantName });
  ctx.type = 'html';
  // Error pages are about this one request: a cache must not answer a later one with them.
  ctx.set('Cache-Control', 'no-store');
  ctx.body = views.render('error', { ...page, ...content });
}
