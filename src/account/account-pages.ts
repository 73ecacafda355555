import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import type { RequestContext } from '../audit/request-context.js';
import type { Locale } from '../i18n/locales.js';
import { translate } from '../i18n/messages.js';
import { pageContext } from '../oidc/provider-pages.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import type { LinkProblem } from './account-tokens.js';

export type PageContext = ReturnType<typeof pageContext>;
/** Which flow a link belongs to: it decides what the person is told to do about a dead link. */
export type LinkFlow = 'invitation' | 'reset' | 'verify';

export const formBody = () => bodyParser({ enableTypes: ['form'], formLimit: '16kb' });

export function tenantOf(ctx: Context): TenantDoc {
  return (ctx.state.runtime as TenantRuntime).tenant;
}

/** The page's language: `ui_locales` in the address first, then the language the mail was written in. */
export function linkPageContext(ctx: Context, tenant: TenantDoc, mailLocale?: string): PageContext {
  const asked = typeof ctx.query.ui_locales === 'string' ? ctx.query.ui_locales : undefined;
  return pageContext(ctx, tenant, asked ?? mailLocale);
}

/** Who is acting and from where, for the change log; the actor is added once it is known. */
export function requestOf(ctx: Context): Omit<RequestContext, 'actor'> {
  return { requestId: ctx.state.requestId, ip: ctx.ip };
}

/** Pages behind a secret link are never cached, nor is what the person typed into them. */
export function render(ctx: Context, views: ViewRenderer, view: string, data: PageContext & Record<string, unknown>, status = 200): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'html';
  ctx.body = views.render(view, data);
}

export function renderNotice(
  ctx: Context,
  views: ViewRenderer,
  page: PageContext,
  notice: { heading: string; texts: string[]; link?: { href: string; label: string }; problem?: LinkProblem },
  status = 200,
): void {
  render(ctx, views, 'account-notice', { ...page, title: notice.heading, ...notice }, status);
}

/**
 * A link that does not work, said plainly in the person's language: unknown (404), or expired, used or
 * withdrawn (410, gone for good), with what to do next.
 */
export function renderLinkProblem(ctx: Context, views: ViewRenderer, page: PageContext, problem: LinkProblem, flow: LinkFlow): void {
  const t = (key: Parameters<typeof translate>[1]) => translate(page.locale, key);
  const texts = problem === 'invalid' ? [t('link.invalid.text')] : [];
  if (flow === 'invitation') texts.push(t(problem === 'used' ? 'link.invitation.usedAdvice' : 'link.invitation.advice'));
  if (flow === 'verify') texts.push(t('link.verify.advice'));
  if (flow === 'reset') texts.push(t('link.reset.advice'));
  const link = flow === 'reset' ? { href: resetRequestPath(ctx, page.locale), label: t('link.reset.again') } : undefined;
  const heading = t(`link.${problem}.heading` as const);
  renderNotice(ctx, views, page, { heading, texts, link, problem }, problem === 'invalid' ? 404 : 410);
}

export function resetRequestPath(ctx: Context, locale: Locale): string {
  return `/t/${tenantOf(ctx).slug}/account/reset?ui_locales=${locale}`;
}
