import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Context } from 'koa';
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
    renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): void {
      ctx.type = 'html';
      ctx.body = views.render('error', { ...pageContext(ctx, tenant, uiLocales(ctx)), code: out.error });
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
