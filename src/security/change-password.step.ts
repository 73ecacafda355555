import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { passwordErrors } from '../account/password-form.js';
import { runWithContext } from '../audit/request-context.js';
import { NotFoundError } from '../errors/http-errors.js';
import { translate } from '../i18n/messages.js';
import type { LoginFlow, LoginStep } from '../oidc/login-flow.js';
import { pageContext } from '../oidc/provider-pages.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { UserService } from '../users/user.service.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import { interactionBinding, type Csrf } from './csrf.js';
import { passwordContext, passwordMessages, PasswordRefusedError } from './password-policy.js';
import { interactionOf } from '../oidc/interaction-context.js';

export const CHANGE_PASSWORD_STEP = 'change-password';

/**
 * After an admin set a temporary password, the next sign-in does not finish until the person has chosen their
 * own: the policy applies, and the new password must differ from the temporary one.
 */
export const changePasswordStep: LoginStep = {
  name: CHANGE_PASSWORD_STEP,
  required: ({ user }) => user.mustChangePassword,
};

export interface ChangePasswordDeps {
  users: UserService;
  views: ViewRenderer;
  loginFlow: LoginFlow;
  csrf: Csrf;
}

/** The step's page, /t/<slug>/interaction/<uid>/change-password. */
export function changePasswordRouter(router: Router, deps: ChangePasswordDeps): void {
  const form = bodyParser({ enableTypes: ['form'], formLimit: '8kb' });
  const path = `/interaction/:uid/${CHANGE_PASSWORD_STEP}`;

  /** A step that is done or not required here answers as absent: nobody changes a password through it at will. */
  async function stepOf(ctx: Context) {
    const runtime = ctx.state.runtime as TenantRuntime;
    const details = await interactionOf(ctx);
    const { pending, user } = await deps.loginFlow.current(runtime, details);
    if (pending.completed.includes(CHANGE_PASSWORD_STEP) || !user.mustChangePassword) throw new NotFoundError('Sign-in step');
    const page = pageContext(ctx, runtime.tenant, details.params.ui_locales as string | undefined);
    return { runtime, details, user, page, context: passwordContext(runtime.tenant, user) };
  }
  type Step = Awaited<ReturnType<typeof stepOf>>;

  function render(ctx: Context, s: Step, errors: string[] = []): void {
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = deps.views.render('change-password', {
      ...s.page,
      title: translate(s.page.locale, 'title.changePassword'),
      action: `/t/${s.runtime.tenant.slug}/interaction/${s.details.uid}/${CHANGE_PASSWORD_STEP}`,
      email: s.user.email,
      minLength: s.context.minLength,
      errors,
      hidden: deps.csrf.hidden(ctx, interactionBinding(ctx)),
    });
  }

  router.get(path, async (ctx) => render(ctx, await stepOf(ctx)));

  router.post(path, form, deps.csrf.verify(interactionBinding), async (ctx) => {
    const s = await stepOf(ctx);
    const body = ctx.request.body as Record<string, unknown>;
    const password = typeof body.new_password === 'string' ? body.new_password : '';
    const repeated = typeof body.new_password_repeat === 'string' ? body.new_password_repeat : '';
    let errors = await passwordErrors(s.page.locale, password, repeated, s.context);
    if (!errors.length && (await deps.users.isCurrentPassword(s.runtime.tenant, s.user.id, password))) {
      errors = passwordMessages(['reused'], s.page.locale, s.context);
    }
    if (!errors.length) {
      // The person who signed in with the temporary password is the one who replaces it.
      const actor = { actor: { type: 'user' as const, id: s.user.id }, requestId: ctx.state.requestId, ip: ctx.ip };
      try {
        await runWithContext(actor, () => deps.users.setPassword(s.runtime.tenant, s.user.id, password, 'user.password_changed'));
      } catch (err) {
        if (!(err instanceof PasswordRefusedError)) throw err;
        errors = passwordMessages(err.problems, s.page.locale, s.context);
      }
    }
    if (errors.length) {
      ctx.status = 400;
      return render(ctx, s, errors);
    }
    ctx.status = 303;
    ctx.redirect(await deps.loginFlow.completeStep(ctx, s.runtime, s.details, CHANGE_PASSWORD_STEP));
  });
}
