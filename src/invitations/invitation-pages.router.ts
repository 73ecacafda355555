import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { formBody, linkPageContext, render, renderLinkProblem, renderNotice, requestOf, tenantOf } from '../account/account-pages.js';
import { passwordErrors } from '../account/password-form.js';
import { translate } from '../i18n/messages.js';
import { pageErrors } from '../oidc/page-errors.middleware.js';
import type { Csrf, CsrfBinding } from '../security/csrf.js';
import { passwordContext } from '../security/password-policy.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import { allowFormTargets } from '../http/security-headers.middleware.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { InvitationAcceptance, OpenInvitation } from './invitation-acceptance.js';
import { initiateLoginUrl } from './invited-app.js';

export interface InvitationPageDeps {
  acceptance: InvitationAcceptance;
  views: ViewRenderer;
  csrf: Csrf;
}

/** The form belongs to its link: a token from another invitation's page does not fit. */
const linkBinding: CsrfBinding = (ctx) => `invitation:${ctx.params.token}`;

const AcceptForm = z.object({
  name: z.string().trim().max(200).default(''),
  password: z.string().max(1024).default(''),
  password_repeat: z.string().max(1024).default(''),
});

/**
 * The form's answer may redirect to the app's initiate_login_uri, and Chrome applies the page's CSP
 * `form-action` to every redirect after a post: that one origin joins it, on the pages whose form leads there.
 */
function allowContinuation(ctx: Context, invitation: OpenInvitation): void {
  if (invitation.app?.initiateLoginUri) allowFormTargets(ctx, [invitation.app.initiateLoginUri]);
}

function issuerOf(ctx: Context): string {
  return (ctx.state.runtime as TenantRuntime).provider.issuer;
}

/** The page an invitation mail links to: shows the tenant and the address, takes a name and a password. */
export function invitationPagesRouter(router: Router, deps: InvitationPageDeps): void {
  const { acceptance, views, csrf } = deps;
  router.use('/invitations', pageErrors(views));

  router.get('/invitations/:token', async (ctx: Context) => {
    const tenant = tenantOf(ctx);
    const found = await acceptance.find(tenant, ctx.params.token!);
    const page = linkPageContext(ctx, tenant, found.ok ? found.invitation.locale : found.locale);
    if (!found.ok) return renderLinkProblem(ctx, views, page, found.problem, 'invitation');
    const { email, name } = found.invitation;
    const { minLength } = passwordContext(tenant, { email, name });
    const hidden = csrf.hidden(ctx, linkBinding(ctx));
    allowContinuation(ctx, found.invitation);
    render(ctx, views, 'invitation', { ...page, title: translate(page.locale, 'title.invitation'), action: ctx.url, email, name, minLength, hidden });
  });

  router.post('/invitations/:token', formBody(), csrf.verify(linkBinding), async (ctx: Context) => {
    const tenant = tenantOf(ctx);
    const token = ctx.params.token!;
    const found = await acceptance.find(tenant, token);
    const page = linkPageContext(ctx, tenant, found.ok ? found.invitation.locale : found.locale);
    if (!found.ok) return renderLinkProblem(ctx, views, page, found.problem, 'invitation');
    // Counted before the password is looked at; past the last try the link is used up.
    if (!(await acceptance.tryPassword(tenant, token))) return renderLinkProblem(ctx, views, page, 'used', 'invitation');
    const form = AcceptForm.safeParse(ctx.request.body ?? {});
    const { name, password, password_repeat: repeated } = form.success ? form.data : { name: '', password: '', password_repeat: '' };
    const { email } = found.invitation;
    const context = passwordContext(tenant, { email, name });
    const errors = name ? [] : [translate(page.locale, 'invitation.error.nameRequired')];
    errors.push(...(await passwordErrors(page.locale, password, repeated, context)));
    if (errors.length) {
      const hidden = csrf.hidden(ctx, linkBinding(ctx));
      allowContinuation(ctx, found.invitation);
      const data = { ...page, title: translate(page.locale, 'title.invitation'), action: ctx.url, email, name, errors, minLength: context.minLength, hidden };
      return render(ctx, views, 'invitation', data, 400);
    }
    const accepted = await acceptance.accept(tenant, token, { name, password }, requestOf(ctx));
    if (!accepted.ok) return renderLinkProblem(ctx, views, page, accepted.problem, 'invitation');
    const { app } = accepted;
    // The app begins the sign-in itself, with its own state and PKCE; it is never sent a bare callback.
    if (app?.initiateLoginUri) {
      ctx.status = 303;
      return ctx.redirect(initiateLoginUrl(app.initiateLoginUri, issuerOf(ctx), email));
    }
    const t = (key: Parameters<typeof translate>[1]) => translate(page.locale, key, { tenant: tenant.name, app: app?.name ?? '' });
    const link = app?.clientUri ? { href: app.clientUri, label: t('invitation.done.continue') } : undefined;
    renderNotice(ctx, views, page, { heading: t('invitation.done.heading'), texts: [t('invitation.done.text')], link });
  });
}
