import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Locale } from '../i18n/locales.js';
import { translate } from '../i18n/messages.js';
import { asUser } from '../mfa/mfa-pages.js';
import { pageErrors } from '../oidc/page-errors.middleware.js';
import { pageContext } from '../oidc/provider-pages.js';
import type { Csrf } from '../security/csrf.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { UserService } from '../users/user.service.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import { accountNav } from './account-nav.js';
import { deviceLabel } from './session-device.js';
import type { AccountSessions } from './sessions.service.js';
import { requireSignedIn, signedInOf } from './signed-in.js';

export interface SessionsPageDeps {
  sessions: AccountSessions;
  users: UserService;
  views: ViewRenderer;
  csrf: Csrf;
}

/** /t/<slug>/account/sessions: a signed-in person sees where they are signed in and ends any of it. */
export function sessionsRouter(router: Router, deps: SessionsPageDeps): void {
  const form = bodyParser({ enableTypes: ['form'], formLimit: '4kb' });
  const { views, csrf } = deps;
  router.use('/account/sessions', pageErrors(views));
  // The forms belong to the session they are shown in: a token from another browser's page does not fit.
  const verify = csrf.verify((ctx) => `sessions:${signedInOf(ctx).sessionId}`);

  const requireSession = requireSignedIn(deps, (ctx, page) => {
    ctx.body = views.render('account-sessions', { ...page, title: translate(page.locale, 'title.sessions'), signedIn: false });
  });

  router.get('/account/sessions', requireSession, async (ctx) => {
    const { provider, tenant } = ctx.state.runtime as TenantRuntime;
    const signedIn = signedInOf(ctx);
    const page = pageContext(ctx, tenant);
    const base = `/t/${tenant.slug}/account/sessions`;
    const sessions = await Promise.all(
      (await deps.sessions.list(tenant._id, signedIn.accountId)).map(async (s) => ({
        current: s.handle === signedIn.handle,
        device: deviceLabel(page.locale, s.device),
        signedInAt: s.signedInAt && formatTime(page.locale, s.signedInAt),
        expiresAt: s.expiresAt && formatTime(page.locale, s.expiresAt),
        apps: (await Promise.all(s.clientIds.map(async (id) => (await provider.Client.find(id))?.clientName ?? id))).join(', '),
        action: `${base}/${s.handle}/end`,
      })),
    );
    ctx.type = 'html';
    ctx.body = views.render('account-sessions', {
      ...page,
      title: translate(page.locale, 'title.sessions'),
      signedIn: true,
      nav: accountNav(tenant.slug, page.locale, 'sessions'),
      sessions,
      notice: ctx.query.ended === '1' ? translate(page.locale, 'sessions.ended') : undefined,
      hidden: csrf.hidden(ctx, `sessions:${signedIn.sessionId}`),
    });
  });

  router.post('/account/sessions/:handle/end', form, requireSession, verify, async (ctx) => {
    const { tenant } = ctx.state.runtime as TenantRuntime;
    const signedIn = signedInOf(ctx);
    // Someone else's or an unknown handle ends nothing and is answered like an ended one: no probing.
    await asUser(ctx, signedIn.accountId, () => deps.sessions.end(tenant._id, signedIn.accountId, String(ctx.params.handle)));
    ctx.status = 303;
    ctx.redirect(`/t/${tenant.slug}/account/sessions?ended=1`);
  });
}

function formatTime(locale: Locale, date: Date): string {
  const format = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' } as const;
  return new Intl.DateTimeFormat(locale, format).format(date);
}
