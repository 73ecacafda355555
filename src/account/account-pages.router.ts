import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { translate, type MessageKey } from '../i18n/messages.js';
import { relativeExpiry } from '../mail/mail-composer.js';
import { pageErrors } from '../oidc/page-errors.middleware.js';
import type { Csrf, CsrfBinding } from '../security/csrf.js';
import { passwordContext } from '../security/password-policy.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import { formBody, linkPageContext, render, renderLinkProblem, renderNotice, requestOf, tenantOf, type PageContext } from './account-pages.js';
import type { EmailVerificationService } from './email-verification.service.js';
import { passwordErrors } from './password-form.js';
import { RESET_TTL_MS, type PasswordResetService } from './password-reset.service.js';
import type { Logger } from 'pino';

export interface AccountPageDeps {
  passwordReset: PasswordResetService;
  emailVerification: EmailVerificationService;
  views: ViewRenderer;
  csrf: Csrf;
  /** For a reset request that fails after the form has been answered. */
  logger: Logger;
}

/** Each form belongs to what it acts on: the tenant's reset request, or the one link it came from. */
const requestBinding: CsrfBinding = (ctx) => `reset-request:${ctx.params.slug}`;
const linkBinding: CsrfBinding = (ctx) => `account-link:${ctx.params.token}`;

const ResetRequest = z.object({ email: z.string().trim().max(320).default('') });
const NewPassword = z.object({ password: z.string().max(1024).default(''), password_repeat: z.string().max(1024).default('') });

/** Self-service pages of an account: ask for a reset link, set a new password with it, confirm an address. */
export function accountPagesRouter(router: Router, deps: AccountPageDeps): void {
  const { passwordReset, emailVerification, views, csrf } = deps;
  const say = (page: PageContext, key: MessageKey, params?: Record<string, string>) => translate(page.locale, key, params);
  router.use('/account/reset', pageErrors(views));
  router.use('/account/verify', pageErrors(views));

  router.get('/account/reset', async (ctx: Context) => {
    const page = linkPageContext(ctx, tenantOf(ctx));
    render(ctx, views, 'account-reset-request', { ...page, title: say(page, 'title.passwordReset'), action: ctx.url, hidden: csrf.hidden(ctx, requestBinding(ctx)) });
  });

  // The same answer whether or not the address has an account, so the form reveals nothing about who is a user.
  router.post('/account/reset', formBody(), csrf.verify(requestBinding), async (ctx: Context) => {
    const tenant = tenantOf(ctx);
    const page = linkPageContext(ctx, tenant);
    const form = ResetRequest.safeParse(ctx.request.body ?? {});
    // Not awaited: the answer leaves before the work that differs for addresses with and without an account.
    if (form.success && form.data.email) {
      passwordReset.start(tenant, form.data.email, page.locale).catch((err: unknown) => deps.logger.error({ err, tenantId: tenant._id }, 'password reset request failed'));
    }
    const when = relativeExpiry(page.locale, new Date(Date.now() + RESET_TTL_MS));
    renderNotice(ctx, views, page, { heading: say(page, 'reset.sent.heading'), texts: [say(page, 'reset.sent.text', { when })] });
  });

  router.get('/account/reset/:token', async (ctx: Context) => {
    const tenant = tenantOf(ctx);
    const found = await passwordReset.find(tenant, ctx.params.token!);
    const page = linkPageContext(ctx, tenant, found.ok ? found.user.locale : found.locale);
    if (!found.ok) return renderLinkProblem(ctx, views, page, found.problem, 'reset');
    const { minLength } = passwordContext(tenant, found.user);
    const hidden = csrf.hidden(ctx, linkBinding(ctx));
    render(ctx, views, 'account-reset-password', { ...page, title: say(page, 'title.passwordReset'), action: ctx.url, email: found.user.email, minLength, hidden });
  });

  router.post('/account/reset/:token', formBody(), csrf.verify(linkBinding), async (ctx: Context) => {
    const tenant = tenantOf(ctx);
    const token = ctx.params.token!;
    const found = await passwordReset.find(tenant, token);
    const page = linkPageContext(ctx, tenant, found.ok ? found.user.locale : found.locale);
    if (!found.ok) return renderLinkProblem(ctx, views, page, found.problem, 'reset');
    // Counted before the password is looked at; the page offers a new link, as for one used.
    if (!(await passwordReset.tryPassword(tenant, token))) return renderLinkProblem(ctx, views, page, 'used', 'reset');
    const form = NewPassword.safeParse(ctx.request.body ?? {});
    const { password, password_repeat: repeated } = form.success ? form.data : { password: '', password_repeat: '' };
    const context = passwordContext(tenant, found.user);
    const errors = await passwordErrors(page.locale, password, repeated, context);
    if (errors.length) {
      const hidden = csrf.hidden(ctx, linkBinding(ctx));
      const data = { ...page, title: say(page, 'title.passwordReset'), action: ctx.url, email: found.user.email, minLength: context.minLength, errors, hidden };
      return render(ctx, views, 'account-reset-password', data, 400);
    }
    const done = await passwordReset.complete(tenant, token, password, requestOf(ctx));
    if (!done.ok) return renderLinkProblem(ctx, views, page, done.problem, 'reset');
    renderNotice(ctx, views, page, { heading: say(page, 'reset.done.heading'), texts: [say(page, 'reset.done.text')] });
  });

  // Confirming takes a button press, not just the GET: mail scanners open links, and must not use them up.
  router.get('/account/verify/:token', async (ctx: Context) => {
    const tenant = tenantOf(ctx);
    const found = await emailVerification.find(tenant, ctx.params.token!);
    const page = linkPageContext(ctx, tenant, found.ok ? found.user.locale : found.locale);
    if (!found.ok) return renderLinkProblem(ctx, views, page, found.problem, 'verify');
    const hidden = csrf.hidden(ctx, linkBinding(ctx));
    render(ctx, views, 'account-verify-email', { ...page, title: say(page, 'title.verifyEmail'), action: ctx.url, email: found.user.email, hidden });
  });

  router.post('/account/verify/:token', formBody(), csrf.verify(linkBinding), async (ctx: Context) => {
    const tenant = tenantOf(ctx);
    const done = await emailVerification.confirm(tenant, ctx.params.token!, requestOf(ctx));
    const page = linkPageContext(ctx, tenant, done.ok ? done.user.locale : done.locale);
    if (!done.ok) return renderLinkProblem(ctx, views, page, done.problem, 'verify');
    const email = done.user.email ?? '';
    renderNotice(ctx, views, page, { heading: say(page, 'verify.done.heading'), texts: [say(page, 'verify.done.text', { email })] });
  });
}
