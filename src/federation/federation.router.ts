import type Router from '@koa/router';
import type { Context } from 'koa';
import { noStore } from '../http/no-store.middleware.js';
import { translate } from '../i18n/messages.js';
import { interactionOf } from '../oidc/interaction-context.js';
import type { LoginFlow } from '../oidc/login-flow.js';
import { pageContext } from '../oidc/provider-pages.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import type { FederatedLogin } from './federated-login.js';
import { endFlow, FederationFailure, keepFlow, readFlow } from './federation-flow.js';
import { emailDomainOf, type UpstreamIdpService } from './upstream-idp.service.js';

export interface FederationRouterDeps {
  federatedLogin: FederatedLogin;
  loginFlow: LoginFlow;
  views: ViewRenderer;
  publicUrl: string;
}

/** The redirect URI a tenant registers at its upstream providers. */
export const callbackPath = (slug: string) => `/t/${slug}/federation/callback`;

const startPath = (runtime: TenantRuntime, uid: string, idpId: string) => `/t/${runtime.tenant.slug}/interaction/${uid}/upstream/${idpId}`;

/**
 * The login page's buttons: one per upstream provider of the tenant. `routesDomains`: an email typed on the
 * page may send the person to it, so the password field cannot be required.
 */
export async function upstreamButtons(idps: UpstreamIdpService, runtime: TenantRuntime, uid: string): Promise<{ name: string; href: string; routesDomains: boolean }[]> {
  const list = await idps.forSignIn(runtime.tenant._id);
  return list.map((idp) => ({ name: idp.name, href: startPath(runtime, uid, idp._id), routesDomains: idp.emailDomains.length > 0 }));
}

/**
 * Home-realm discovery: where an email typed on the login page sends its person, when its domain belongs to
 * one of the tenant's providers. A provider that is required for its domains is their only way in: a password
 * typed here is never looked at. One that is not takes them when they leave the password empty, and leaves a
 * password they typed to be checked here (`passwordTyped`).
 */
export async function homeRealm(idps: UpstreamIdpService, runtime: TenantRuntime, uid: string, email: string, passwordTyped: boolean): Promise<string | undefined> {
  const domain = emailDomainOf(email);
  if (!domain) return undefined;
  const idp = (await idps.forSignIn(runtime.tenant._id)).find((candidate) => candidate.emailDomains.includes(domain));
  if (!idp || (passwordTyped && !idp.requireForDomains)) return undefined;
  return startPath(runtime, uid, idp._id);
}

/**
 * Sign-in through an upstream provider: the button's link sends the browser there; the provider answers at the
 * tenant's callback, which hands the answer to the interaction it was started for (the interaction's cookie
 * lives under its own path); that page verifies it and continues the sign-in as a password would.
 */
export function federationRouter(router: Router, deps: FederationRouterDeps): void {
  const runtimeOf = (ctx: Context) => ctx.state.runtime as TenantRuntime;

  function renderFailure(ctx: Context, failure: FederationFailure): void {
    const page = pageContext(ctx, runtimeOf(ctx).tenant);
    const text = failure.reason === 'accountUnavailable' ? translate(page.locale, 'login.error.accountUnavailable') : translate(page.locale, `federation.error.${failure.reason}`);
    ctx.status = failure.status;
    ctx.type = 'html';
    ctx.body = deps.views.render('error', { ...page, heading: translate(page.locale, 'federation.error.heading'), texts: [text], code: failure.reason });
  }

  async function answering(ctx: Context, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (!(err instanceof FederationFailure)) throw err;
      renderFailure(ctx, err);
    }
  }

  router.get('/interaction/:uid/upstream/:idpId', async (ctx) => {
    const { tenant } = runtimeOf(ctx);
    const details = await interactionOf(ctx);
    await answering(ctx, async () => {
      if (details.prompt.name !== 'login') throw new FederationFailure('expired', 400);
      const { url, flow } = await deps.federatedLogin.start(tenant._id, ctx.params.idpId!, details.uid, deps.publicUrl + callbackPath(tenant.slug));
      keepFlow(ctx, tenant.slug, flow);
      ctx.status = 303;
      ctx.redirect(url);
    });
  });

  router.get('/federation/callback', noStore, async (ctx) => {
    const { tenant } = runtimeOf(ctx);
    await answering(ctx, async () => {
      const flow = readFlow(ctx);
      if (!flow) throw new FederationFailure('expired', 400);
      ctx.status = 303;
      ctx.redirect(`/t/${tenant.slug}/interaction/${encodeURIComponent(flow.uid)}/upstream-return?${ctx.querystring}`);
    });
  });

  router.get('/interaction/:uid/upstream-return', async (ctx) => {
    const runtime = runtimeOf(ctx);
    const { tenant } = runtime;
    const details = await interactionOf(ctx);
    const flow = readFlow(ctx);
    endFlow(ctx, tenant.slug);
    await answering(ctx, async () => {
      // The answer belongs to the interaction this browser started it for, and to no other.
      if (!flow || flow.uid !== details.uid || details.prompt.name !== 'login') throw new FederationFailure('expired', 400);
      const callbackUrl = new URL(deps.publicUrl + callbackPath(tenant.slug));
      callbackUrl.search = ctx.querystring;
      const user = await deps.federatedLogin.complete(tenant, flow, callbackUrl);
      if (user.status !== 'active' || tenant.state !== 'active') throw new FederationFailure('accountUnavailable', 403);
      ctx.status = 303;
      ctx.redirect(await deps.loginFlow.begin(ctx, runtime, details, user, ['fed']));
    });
  });
}

