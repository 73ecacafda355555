import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { NotFoundError } from '../errors/http-errors.js';
import { translate, type MessageKey } from '../i18n/messages.js';
import type { LoginFlow, LoginStep } from '../oidc/login-flow.js';
import { pageContext } from '../oidc/provider-pages.js';
import { interactionBinding, type Csrf } from '../security/csrf.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import { asUser, enrolmentMethods, field } from './mfa-pages.js';
import type { MfaService } from './mfa.service.js';
import { relyingParty } from './passkey.service.js';
import { finishInteraction, interactionOf } from '../oidc/interaction-context.js';

export interface MfaSignInDeps {
  mfa: MfaService;
  loginFlow: LoginFlow;
  views: ViewRenderer;
  publicUrl: string;
  steps: { enrol: LoginStep; verify: LoginStep };
  csrf: Csrf;
}

/** The pages of the `mfa` and `mfa-enrol` sign-in steps. */
export function mfaSignInRouter(router: Router, deps: MfaSignInDeps): void {
  const form = bodyParser({ enableTypes: ['form'], formLimit: '32kb' });
  const { mfa, loginFlow, views, csrf } = deps;
  const checked = [form, csrf.verify(interactionBinding)] as const;

  /** The step's context; a step that is done or not required here answers as absent (no skipping ahead). */
  async function stepOf(ctx: Context, step: LoginStep) {
    const runtime = ctx.state.runtime as TenantRuntime;
    const details = await interactionOf(ctx);
    const { pending, user } = await loginFlow.current(runtime, details);
    if (pending.completed.includes(step.name) || !(await step.required({ runtime, user, pending, details }))) throw new NotFoundError('Sign-in step');
    const page = pageContext(ctx, runtime.tenant, details.params.ui_locales as string | undefined);
    // Secrets (a TOTP key, recovery codes) and one-time forms: never kept by a cache.
    ctx.set('Cache-Control', 'no-store');
    const base = `/t/${runtime.tenant.slug}/interaction/${details.uid}`;
    return { runtime, details, user, page, base, tenant: runtime.tenant, rp: relyingParty(deps.publicUrl, runtime.tenant.name) };
  }
  type Step = Awaited<ReturnType<typeof stepOf>>;

  async function renderVerify(ctx: Context, s: Step, error?: MessageKey): Promise<void> {
    const summary = await mfa.summary(s.tenant._id, s.user.id);
    const options = summary.passkeys.length
      ? await mfa.passkeys.authenticationOptions(s.tenant._id, `passkey-mfa:${s.details.uid}`, s.rp, s.user.id)
      : undefined;
    ctx.type = 'html';
    ctx.body = views.render('mfa', {
      ...s.page,
      title: translate(s.page.locale, 'title.mfa'),
      action: `${s.base}/mfa`,
      hasTotp: Boolean(summary.totp),
      error: error && translate(s.page.locale, error),
      passkey: options && { action: `${s.base}/mfa/passkey`, mode: 'get', options: JSON.stringify(options), label: translate(s.page.locale, 'mfa.usePasskey'), primary: true },
      hidden: csrf.hidden(ctx, interactionBinding(ctx)),
    });
  }

  async function renderEnrol(ctx: Context, s: Step, error?: MessageKey): Promise<void> {
    const methods = await enrolmentMethods(mfa, { ...s, locale: s.page.locale, actions: { totp: `${s.base}/mfa-enrol/totp`, passkey: `${s.base}/mfa-enrol/passkey` } });
    ctx.type = 'html';
    ctx.body = views.render('mfa-enrol', {
      ...s.page,
      ...methods,
      title: translate(s.page.locale, 'title.mfaEnrol'),
      heading: translate(s.page.locale, 'mfaEnrol.heading'),
      intro: translate(s.page.locale, 'mfaEnrol.intro'),
      error: error && translate(s.page.locale, error),
      hidden: csrf.hidden(ctx, interactionBinding(ctx)),
    });
  }

  /** Enrolled: the step is done; the recovery codes are shown once, on the way to wherever the flow goes next. */
  async function enrolled(ctx: Context, s: Step, amr: string[]): Promise<void> {
    const next = await loginFlow.completeStep(ctx, s.runtime, s.details, deps.steps.enrol.name, amr);
    const codes = await asUser(ctx, s.user.id, () => mfa.recoveryCodesIfNone(s.tenant, s.user.id));
    if (!codes) {
      ctx.status = 303;
      return ctx.redirect(next);
    }
    ctx.type = 'html';
    ctx.body = views.render('mfa-recovery-codes', { ...s.page, title: translate(s.page.locale, 'title.recoveryCodes'), codes, continueUrl: next });
  }

  async function verified(ctx: Context, s: Step, amr: string[]): Promise<void> {
    ctx.status = 303;
    ctx.redirect(await loginFlow.completeStep(ctx, s.runtime, s.details, deps.steps.verify.name, amr));
  }

  router.get('/interaction/:uid/mfa', async (ctx) => {
    const s = await stepOf(ctx, deps.steps.verify);
    if (await mfa.hasSecondFactor(s.tenant._id, s.user.id)) return renderVerify(ctx, s);
    // Two factors were demanded (acr_values) of a user who has no second factor: enrolling one now, on the
    // strength of a password alone, would let whoever holds the password claim two factors. The relying party
    // learns why instead (OpenID Connect Unmet Authentication Requirements).
    const result = { error: 'unmet_authentication_requirements', error_description: 'The user has no second factor enrolled' };
    ctx.status = 303;
    ctx.redirect(await finishInteraction(s.details, result, { mergeWithLastSubmission: false }));
  });

  router.post('/interaction/:uid/mfa', ...checked, async (ctx) => {
    const s = await stepOf(ctx, deps.steps.verify);
    const check = await asUser(ctx, s.user.id, () => mfa.checkCode(s.tenant, s.user.id, field(ctx, 'code').slice(0, 64)));
    if (check.ok) return verified(ctx, s, check.amr);
    ctx.status = check.reason === 'blocked' ? 429 : 400;
    return renderVerify(ctx, s, check.reason === 'blocked' ? 'mfa.error.blocked' : 'mfa.error.invalidCode');
  });

  router.post('/interaction/:uid/mfa/passkey', ...checked, async (ctx) => {
    const s = await stepOf(ctx, deps.steps.verify);
    const key = `passkey-mfa:${s.details.uid}`;
    const result = await mfa.passkeys.authenticate(s.tenant._id, key, field(ctx, 'credential'), s.rp, { userId: s.user.id, userVerification: false });
    if (result) return verified(ctx, s, result.amr);
    ctx.status = 400;
    return renderVerify(ctx, s, 'mfa.error.passkey');
  });

  router.get('/interaction/:uid/mfa-enrol', async (ctx) => renderEnrol(ctx, await stepOf(ctx, deps.steps.enrol)));

  router.post('/interaction/:uid/mfa-enrol/totp', ...checked, async (ctx) => {
    const s = await stepOf(ctx, deps.steps.enrol);
    const ok = await asUser(ctx, s.user.id, () => mfa.totp.confirmEnrolment(s.tenant, s.user.id, field(ctx, 'code').slice(0, 16)));
    if (ok) return enrolled(ctx, s, ['otp']);
    ctx.status = 400;
    return renderEnrol(ctx, s, 'mfaEnrol.error.invalidCode');
  });

  router.post('/interaction/:uid/mfa-enrol/passkey', ...checked, async (ctx) => {
    const s = await stepOf(ctx, deps.steps.enrol);
    const amr = await asUser(ctx, s.user.id, () => mfa.passkeys.register(s.tenant._id, s.user.id, field(ctx, 'credential'), s.rp));
    if (amr) return enrolled(ctx, s, amr);
    ctx.status = 400;
    return renderEnrol(ctx, s, 'mfaEnrol.error.passkey');
  });
}
