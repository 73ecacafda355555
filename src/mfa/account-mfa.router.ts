import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { translate, type MessageKey } from '../i18n/messages.js';
import { pageErrors } from '../oidc/page-errors.middleware.js';
import { pageContext } from '../oidc/provider-pages.js';
import { accountNav } from '../account/account-nav.js';
import type { Csrf } from '../security/csrf.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { UserService } from '../users/user.service.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import { asUser, enrolmentMethods, field, formatDate } from './mfa-pages.js';
import type { MfaService } from './mfa.service.js';
import { relyingParty } from './passkey.service.js';
import { sessionAccount } from './session-account.js';

export interface AccountMfaDeps {
  mfa: MfaService;
  users: UserService;
  views: ViewRenderer;
  publicUrl: string;
  csrf: Csrf;
}

/** /t/<slug>/account/mfa: a signed-in person lists, adds and removes their second factors. */
export function accountMfaRouter(router: Router, deps: AccountMfaDeps): void {
  const form = bodyParser({ enableTypes: ['form'], formLimit: '32kb' });
  const { mfa, views, csrf } = deps;
  router.use('/account/mfa', pageErrors(views));
  // The forms belong to the signed-in user; the check runs once `signedIn` has found them.
  const binding = (userId: string) => `account-mfa:${userId}`;

  async function signedIn(ctx: Context) {
    const runtime = ctx.state.runtime as TenantRuntime;
    const { tenant } = runtime;
    const page = pageContext(ctx, tenant);
    const user = await sessionAccount(ctx, runtime, deps.users);
    const base = `/t/${tenant.slug}/account/mfa`;
    if (!user) {
      ctx.status = 401;
      ctx.type = 'html';
      ctx.body = views.render('account-mfa', { ...page, title: translate(page.locale, 'title.accountMfa'), signedIn: false });
    }
    return user && { tenant, user, page, base, rp: relyingParty(deps.publicUrl, tenant.name) };
  }
  type Account = NonNullable<Awaited<ReturnType<typeof signedIn>>>;

  async function render(ctx: Context, a: Account, error?: MessageKey): Promise<void> {
    const { locale } = a.page;
    const summary = await mfa.summary(a.tenant._id, a.user.id);
    const remove = (id: string) => `${a.base}/factors/${id}/remove`;
    const factors = [
      ...(summary.totp ? [{ label: translate(locale, 'accountMfa.app'), since: formatDate(locale, summary.totp.createdAt), removeAction: remove(summary.totp.id) }] : []),
      ...summary.passkeys.map((p) => ({ label: translate(locale, 'accountMfa.passkey'), since: formatDate(locale, p.createdAt), removeAction: remove(p.id) })),
    ];
    const methods = await enrolmentMethods(mfa, { ...a, locale, actions: { totp: summary.totp ? undefined : `${a.base}/totp`, passkey: `${a.base}/passkey` } });
    ctx.type = 'html';
    ctx.body = views.render('account-mfa', {
      ...a.page,
      ...methods,
      title: translate(locale, 'title.accountMfa'),
      signedIn: true,
      nav: accountNav(a.tenant.slug, locale, 'security'),
      factors,
      recoveryCodesLeft: summary.recoveryCodesLeft,
      recoveryAction: `${a.base}/recovery-codes`,
      error: error && translate(locale, error),
      hidden: csrf.hidden(ctx, binding(a.user.id)),
    });
  }

  function showCodes(ctx: Context, a: Account, codes: string[]): void {
    ctx.type = 'html';
    ctx.body = views.render('mfa-recovery-codes', { ...a.page, title: translate(a.page.locale, 'title.recoveryCodes'), codes, continueUrl: a.base });
  }

  async function added(ctx: Context, a: Account): Promise<void> {
    const codes = await asUser(ctx, a.user.id, () => mfa.recoveryCodesIfNone(a.tenant, a.user.id));
    if (codes) return showCodes(ctx, a, codes);
    ctx.status = 303;
    ctx.redirect(a.base);
  }

  /** Signed in, or answered with the signed-out page; the form's token is checked against its user. */
  async function requireAccount(ctx: Context, next: Next): Promise<void> {
    ctx.set('Cache-Control', 'no-store');
    const a = await signedIn(ctx);
    if (!a) return;
    ctx.state.mfaAccount = a;
    await next();
  }
  const checked = [form, requireAccount, csrf.verify((ctx) => binding((ctx.state.mfaAccount as Account).user.id))] as const;
  const accountOf = (ctx: Context) => ctx.state.mfaAccount as Account;

  router.get('/account/mfa', requireAccount, (ctx) => render(ctx, accountOf(ctx)));

  router.post('/account/mfa/totp', ...checked, async (ctx) => {
    const a = accountOf(ctx);
    if (await asUser(ctx, a.user.id, () => mfa.totp.confirmEnrolment(a.tenant, a.user.id, field(ctx, 'code').slice(0, 16)))) return added(ctx, a);
    ctx.status = 400;
    await render(ctx, a, 'mfaEnrol.error.invalidCode');
  });

  router.post('/account/mfa/passkey', ...checked, async (ctx) => {
    const a = accountOf(ctx);
    if (await asUser(ctx, a.user.id, () => mfa.passkeys.register(a.tenant._id, a.user.id, field(ctx, 'credential'), a.rp))) return added(ctx, a);
    ctx.status = 400;
    await render(ctx, a, 'mfaEnrol.error.passkey');
  });

  router.post('/account/mfa/factors/:factorId/remove', ...checked, async (ctx) => {
    const a = accountOf(ctx);
    await asUser(ctx, a.user.id, () => mfa.removeFactor(a.tenant._id, a.user.id, String(ctx.params.factorId)));
    ctx.status = 303;
    ctx.redirect(a.base);
  });

  router.post('/account/mfa/recovery-codes', ...checked, async (ctx) => {
    const a = accountOf(ctx);
    if (!(await mfa.hasSecondFactor(a.tenant._id, a.user.id))) return render(ctx, a);
    showCodes(ctx, a, await asUser(ctx, a.user.id, () => mfa.issueRecoveryCodes(a.tenant, a.user.id)));
  });
}
