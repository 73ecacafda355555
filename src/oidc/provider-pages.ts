import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Context } from 'koa';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';
import { errorContent, type ErrorKind } from '../errors/error-content.js';
import { RETRY_AFTER_SECONDS } from '../errors/http-errors.js';
import { negotiateLocale, type Locale } from '../i18n/locales.js';
import { brandOf, type Brand } from '../tenants/branding.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { ViewRenderer } from '../views/view-renderer.js';

/**
 * The locale and common data of a tenant's page: ui_locales, then Accept-Language, then the tenant's default
 * locale, within the tenant's locales; and the tenant's branding.
 */
export function pageContext(ctx: Context, tenant: TenantDoc, uiLocales?: string): { locale: Locale; nonce: string; tenantName: string; brand: Brand } {
  const locale = negotiateLocale({
    uiLocales: uiLocales ?? (typeof ctx.query.ui_locales === 'string' ? ctx.query.ui_locales : undefined),
    acceptLanguage: ctx.get('accept-language') || undefined,
    allowed: tenant.settings.locales,
    fallback: tenant.settings.defaultLocale ?? undefined,
  });
  return { locale, nonce: ctx.state.cspNonce ?? '', tenantName: tenant.name, brand: brandOf(tenant) };
}

/** oidc-provider's user-facing pages (errors, logout), rendered from our localized views. */
export function providerPages(tenant: TenantDoc, views: ViewRenderer) {
  const uiLocales = (ctx: KoaContextWithOIDC) => (ctx.oidc?.params?.ui_locales as string | undefined) ?? undefined;
  return {
    /**
     * An OAuth error the provider cannot send back to the app (unknown client, unregistered redirect_uri): the
     * person learns what it means and what to do, and sees the code to quote. The provider's description is
     * written for developers and is not shown; a server error shows the request id instead.
     */
    renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }, err?: unknown): void {
      const page = pageContext(ctx, tenant, uiLocales(ctx));
      const kind: ErrorKind = isDatabaseUnavailable(err) ? 'unavailable' : out.error === 'server_error' ? 'server_error' : 'oauth';
      if (kind === 'unavailable') {
        // The provider would answer 500; the database being out of reach is a 503 with Retry-After everywhere.
        ctx.status = 503;
        ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      }
      const content = errorContent(page.locale, kind, { code: out.error, reference: ctx.state.requestId, tenantName: tenant.name });
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      // The provider chose this page over JSON by the Accept header, as the error middleware does.
      ctx.vary('Accept');
      ctx.body = views.render('error', { ...page, ...content });
    },
    logoutSource(ctx: KoaContextWithOIDC, form: string): void {
      ctx.type = 'html';
      ctx.body = views.render('logout', { ...pageContext(ctx, tenant, uiLocales(ctx)), form });
    },
    postLogoutSuccessSource(ctx: KoaContextWithOIDC): void {
      ctx.type = 'html';
      ctx.body = views.render('logged-out', pageContext(ctx, tenant, uiLocales(ctx)));
    },
  };
}
