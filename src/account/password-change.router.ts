import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { translate } from '../i18n/messages.js';
import { asUser } from '../mfa/mfa-pages.js';
import { pageErrors } from '../oidc/page-errors.middleware.js';
import { pageContext } from '../oidc/provider-pages.js';
import type { Csrf } from '../security/csrf.js';
import { passwordContext, passwordMessages, PasswordRefusedError } from '../security/password-policy.js';
import { refusalMessage, type SignInGuard } from '../security/sign-in-guard.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { UserService } from '../users/user.service.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import { formBody, render, renderNotice, type PageContext } from './account-pages.js';
import { accountNav } from './account-nav.js';
import { passwordErrors } from './password-form.js';
import type { AccountSessions } from './sessions.service.js';
import { requireSignedIn, signedInOf, type SignedIn } from './signed-in.js';

export interface PasswordChangeDeps {
  sessions: AccountSessions;
  users: UserService;
  views: ViewRenderer;
  csrf: Csrf;
  guard: SignInGuard;
}

const ChangeForm = z.object({
  current_password: z.string().max(1024).default(''),
  password: z.string().max(1024).default(''),
  password_repeat: z.string().max(1024).default(''),
});

/**
 * /t/<slug>/account/password: a signed-in person changes their own password. The current one is asked for, so
 * a browser left signed in is not enough; a wrong one counts as a failed sign-in, so the form is no way around
 * the lockout. Like a reset, the change ends every session and token of the person, this browser's too.
 */
export function passwordChangeRouter(router: Router, deps: PasswordChangeDeps): void {
  const { users, views, csrf, guard } = deps;
  router.use('/account/password', pageErrors(views));
  // The form belongs to the session it is shown in, as the sessions page's forms do.
  const binding = (ctx: Context) => `account-password:${signedInOf(ctx).sessionId}`;
  const requireSession = requireSignedIn(deps, (ctx, page) => {
    ctx.body = views.render('account-password', { ...page, title: translate(page.locale, 'title.passwordChange'), signedIn: false });
  });

  function show(ctx: Context, page: PageContext, who: SignedIn, errors: string[] = [], status = 200): void {
    const { tenant } = ctx.state.runtime as TenantRuntime;
    const { minLength } = passwordContext(tenant, who.user);
    const data = { title: translate(page.locale, 'title.passwordChange'), signedIn: true, nav: accountNav(tenant.slug, page.locale, 'password'), action: `/t/${tenant.slug}/account/password`, email: who.user.email, minLength, errors };
    render(ctx, views, 'account-password', { ...page, ...data, hidden: csrf.hidden(ctx, binding(ctx)) }, status);
  }

  router.get('/account/password', requireSession, (ctx) => show(ctx, pageOf(ctx), signedInOf(ctx)));

  router.post('/account/password', formBody(), requireSession, csrf.verify(binding), async (ctx) => {
    const { tenant } = ctx.state.runtime as TenantRuntime;
    const who = signedInOf(ctx);
    const page = pageOf(ctx);
    const parsed = ChangeForm.safeParse(ctx.request.body ?? {});
    const form = parsed.success ? parsed.data : { current_password: '', password: '', password_repeat: '' };
    const email = who.user.email ?? '';

    const refusal = await guard.refusal(tenant, email, ctx.ip);
    if (refusal) {
      const { error, params } = refusalMessage(refusal);
      ctx.set('Retry-After', String(refusal.seconds));
      return show(ctx, page, who, [translate(page.locale, error, params)], 429);
    }
    // Said the same whatever is wrong with it: the page tells the person nothing a guesser could use.
    if (!(await users.isCurrentPassword(tenant, who.user.id, form.current_password))) {
      await guard.failed(tenant, email, ctx.ip);
      return show(ctx, page, who, [translate(page.locale, 'passwordChange.error.current')], 400);
    }
    // The right current password ends the run of failures, as a sign-in does, and gives back the checks it reserved.
    await guard.succeeded(tenant, email);
    const context = passwordContext(tenant, who.user);
    let errors = await passwordErrors(page.locale, form.password, form.password_repeat, context);
    if (!errors.length && form.password === form.current_password) errors = passwordMessages(['reused'], page.locale, context);
    if (!errors.length) {
      try {
        await asUser(ctx, who.user.id, () => users.setPassword(tenant, who.user.id, form.password, 'user.password_changed'));
      } catch (err) {
        if (!(err instanceof PasswordRefusedError)) throw err;
        errors = passwordMessages(err.problems, page.locale, context);
      }
    }
    if (errors.length) return show(ctx, page, who, errors, 400);
    const say = (key: 'passwordChange.done.heading' | 'passwordChange.done.text') => translate(page.locale, key);
    renderNotice(ctx, views, page, { heading: say('passwordChange.done.heading'), texts: [say('passwordChange.done.text')] });
  });
}

function pageOf(ctx: Context): PageContext {
  return pageContext(ctx, (ctx.state.runtime as TenantRuntime).tenant);
}
