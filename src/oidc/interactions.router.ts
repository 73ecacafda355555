import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { noStore } from '../http/no-store.middleware.js';
import type { AppMetrics } from '../observability/metrics.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { UserService } from '../users/user.service.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import { translate } from '../i18n/messages.js';
import { pageContext } from './provider-pages.js';
import { grantConsent } from './grant-consent.js';
import { CONSOLE_CLIENT_ID } from '../clients/console-client.js';
import type { LoginFlow } from './login-flow.js';
import type { PasskeyLogin } from '../mfa/passkey-login.js';
import { interactionBinding, type Csrf } from '../security/csrf.js';
import { interactionFormTargets } from '../security/interaction-form-targets.js';
import { refusalMessage, type SignInGuard } from '../security/sign-in-guard.js';
import type { SignInEvents } from '../webhooks/sign-in-events.js';
import { pageErrors } from './page-errors.middleware.js';
import { finishInteraction, interactionOf, type Details } from './interaction-context.js';

export interface InteractionDeps {
  users: UserService;
  views: ViewRenderer;
  metrics: AppMetrics;
  loginFlow: LoginFlow;
  /** Passwordless sign-in with a passkey, offered on the login page. */
  passkeyLogin?: PasskeyLogin;
  /** Every form of these pages carries its token; a post without a valid one is refused (403). */
  csrf: Csrf;
  /** Per-IP and per-account brakes on failed sign-ins, and the lockout. */
  guard: SignInGuard;
  /** Failed sign-ins as webhook events. */
  signInEvents?: SignInEvents;
  /** A button per upstream OpenID provider of the tenant (src/federation). */
  upstreams?: (runtime: TenantRuntime, uid: string) => Promise<{ name: string; href: string; routesDomains: boolean }[]>;
  /** Where an email of a domain that signs in upstream goes instead of having its password checked (if any was typed). */
  homeRealm?: (runtime: TenantRuntime, uid: string, email: string, passwordTyped: boolean) => Promise<string | undefined>;
}

const LoginForm = z.object({ email: z.string().trim().max(320), password: z.string().max(1024) });

/** Our sign-in and consent pages, between oidc-provider's authorization request and its resume. */
export function interactionsRouter(router: Router, deps: InteractionDeps): void {
  const form = bodyParser({ enableTypes: ['form'], formLimit: '16kb' });
  // Every page under /interaction (login, consent and each step after the password) holds a form token and
  // what the person typed or is shown: none is cached.
  router.use('/interaction', noStore, pageErrors(deps.views), interactionFormTargets());
  const csrfChecked = deps.csrf.verify(interactionBinding);
  const runtimeOf = (ctx: Context) => ctx.state.runtime as TenantRuntime;
  const base = (ctx: Context) => `/t/${runtimeOf(ctx).tenant.slug}/interaction/${ctx.params.uid}`;

  type LoginError = 'login.error.invalidCredentials' | 'login.error.accountUnavailable' | 'login.error.passkey' | ReturnType<typeof refusalMessage>['error'];
  async function renderLogin(ctx: Context, details: Details, extra: { email: string; error?: LoginError; params?: Record<string, number> }) {
    const { provider, tenant } = runtimeOf(ctx);
    const page = pageContext(ctx, tenant, details.params.ui_locales as string | undefined);
    const client = await provider.Client.find(details.params.client_id as string);
    ctx.type = 'html';
    ctx.body = deps.views.render('login', {
      ...page,
      action: `${base(ctx)}/login`,
      email: extra.email,
      error: extra.error && translate(page.locale, extra.error, extra.params),
      clientName: client?.clientName ?? client?.clientId,
      hidden: deps.csrf.hidden(ctx, interactionBinding(ctx)),
      passkey: await deps.passkeyLogin?.form(runtimeOf(ctx), details, page.locale),
      upstreams: await deps.upstreams?.(runtimeOf(ctx), details.uid),
    });
  }

  router.get('/interaction/:uid', async (ctx) => {
    const { provider, tenant } = runtimeOf(ctx);
    const details = await interactionOf(ctx);
    if (details.prompt.name === 'login') {
      const hint = details.params.login_hint;
      return renderLogin(ctx, details, { email: typeof hint === 'string' ? hint : '' });
    }
    // The tenant's own console asks for nothing a person could refuse and still use it: no consent page.
    if (details.params.client_id === CONSOLE_CLIENT_ID) {
      const consent = await grantConsent(provider, details);
      ctx.status = 303;
      return ctx.redirect(await finishInteraction(details, { consent }, { mergeWithLastSubmission: true }));
    }
    const client = await provider.Client.find(details.params.client_id as string);
    ctx.type = 'html';
    ctx.body = deps.views.render('consent', {
      ...pageContext(ctx, tenant, details.params.ui_locales as string | undefined),
      action: `${base(ctx)}/confirm`,
      abortAction: `${base(ctx)}/abort`,
      clientName: client?.clientName ?? client?.clientId,
      scopes: String(details.params.scope ?? '').split(' ').filter(Boolean),
      hidden: deps.csrf.hidden(ctx, interactionBinding(ctx)),
    });
  });

  router.post('/interaction/:uid/login', form, csrfChecked, async (ctx) => {
    const { tenant } = runtimeOf(ctx);
    const details = await interactionOf(ctx);
    const parsed = LoginForm.safeParse(ctx.request.body);
    const upstream = parsed.success ? await deps.homeRealm?.(runtimeOf(ctx), details.uid, parsed.data.email, parsed.data.password !== '') : undefined;
    if (upstream) {
      ctx.status = 303;
      return ctx.redirect(upstream);
    }
    // Decided before the password is looked at, and alike whether or not the email has an account.
    const refusal = parsed.success ? await deps.guard.refusal(tenant, parsed.data.email, ctx.ip) : null;
    if (refusal) {
      deps.metrics.logins.inc({ result: 'failure' });
      ctx.status = 429;
      ctx.set('Retry-After', String(refusal.seconds));
      return renderLogin(ctx, details, { email: parsed.data!.email, ...refusalMessage(refusal) });
    }
    const user = parsed.success ? await deps.users.verifyPassword(tenant, parsed.data.email, parsed.data.password) : null;
    const suspended = tenant.state !== 'active';
    const blocked = user && (user.status !== 'active' || suspended);
    // A person who may not sign in (locked, restricted) is answered and counted as for a wrong password, so
    // the page never confirms a password it will not accept. Only a suspended tenant, closed to everyone
    // alike whatever they type, says so.
    if (parsed.success && (!user || (blocked && !suspended))) await deps.guard.failed(tenant, parsed.data.email, ctx.ip);
    if (!user || blocked) {
      deps.metrics.logins.inc({ result: 'failure' });
      await deps.signInEvents?.failed(tenant._id, { userId: user?.id, method: 'password', reason: user ? 'account_unavailable' : 'invalid_credentials' });
      ctx.status = 400;
      const error = suspended ? 'login.error.accountUnavailable' : 'login.error.invalidCredentials';
      return renderLogin(ctx, details, { email: parsed.success ? parsed.data.email : '', error });
    }
    await deps.guard.succeeded(tenant, parsed.data!.email);
    deps.metrics.logins.inc({ result: 'success' });
    ctx.status = 303;
    ctx.redirect(await deps.loginFlow.begin(ctx, runtimeOf(ctx), details, user, ['pwd']));
  });

  router.post('/interaction/:uid/passkey', form, csrfChecked, async (ctx) => {
    const { tenant } = runtimeOf(ctx);
    const details = await interactionOf(ctx);
    const signedIn = await deps.passkeyLogin?.verify(runtimeOf(ctx), details, ctx.request.body);
    const blocked = signedIn && (signedIn.user.status !== 'active' || tenant.state !== 'active');
    if (!signedIn || blocked) {
      deps.metrics.logins.inc({ result: 'failure' });
      await deps.signInEvents?.failed(tenant._id, { userId: signedIn?.user.id, method: 'passkey', reason: signedIn ? 'account_unavailable' : 'invalid_credentials' });
      ctx.status = 400;
      return renderLogin(ctx, details, { email: '', error: blocked ? 'login.error.accountUnavailable' : 'login.error.passkey' });
    }
    deps.metrics.logins.inc({ result: 'success' });
    ctx.status = 303;
    ctx.redirect(await deps.loginFlow.begin(ctx, runtimeOf(ctx), details, signedIn.user, signedIn.amr));
  });

  router.post('/interaction/:uid/confirm', form, csrfChecked, async (ctx) => {
    const { provider } = runtimeOf(ctx);
    const details = await interactionOf(ctx);
    const consent = await grantConsent(provider, details);
    const redirectTo = await finishInteraction(details, { consent }, { mergeWithLastSubmission: true });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  });

  router.post('/interaction/:uid/abort', form, csrfChecked, async (ctx) => {
    const details = await interactionOf(ctx);
    const result = { error: 'access_denied', error_description: 'End-user denied the request' };
    const redirectTo = await finishInteraction(details, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  });
}
