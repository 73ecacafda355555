import { z } from 'zod';
import { ConflictError } from '../../errors/http-errors.js';
import { negotiateLocale } from '../../i18n/locales.js';
import { PasswordRefusedError } from '../../security/password-policy.js';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Id, TenantParams } from '../schemas.js';
import { toUserView, UserView } from './users.routes.js';

const UserParams = TenantParams.extend({ userId: Id });
// The policy's own maximum is lower; this only bounds what is parsed. Length and strength are the policy's.
const TemporaryPassword = z.strictObject({ password: z.string().min(1).max(1024) });
const MANAGERS = ['tenant_admin', 'user_manager'] as const;

export function credentialRoutes(services: Services): RouteSpec[] {
  return [
    defineRoute<z.infer<typeof UserParams>, unknown, z.infer<typeof TemporaryPassword>>({
      method: 'post',
      path: '/tenants/{tenant}/users/{userId}/temporary-password',
      operationId: 'setTemporaryPassword',
      summary: 'Set a temporary password: the user must choose their own at the next sign-in; sessions and tokens end',
      tag: 'users',
      access: { scope: 'tenant', roles: MANAGERS },
      params: UserParams,
      body: TemporaryPassword,
      responses: {
        200: { description: 'The user (never the password)', schema: UserView.extend({ must_change_password: z.literal(true) }) },
        400: { description: 'The password policy refuses the password: one issue per reason, in the Accept-Language' },
        403: { description: 'The user holds an admin role and the caller is not a tenant_admin' },
        409: { description: 'The user cannot sign in with a password (invited or anonymized)' },
      },
      handler: async ({ tenant, params, body, ctx }) => {
        const user = await services.users.getById(tenant, params.userId);
        if (user.status !== 'active' && user.status !== 'locked') throw new ConflictError(`A user who is ${user.status} gets no password`);
        try {
          await services.users.setPassword(tenant, user.id, body.password, 'user.temporary_password_set', { temporary: true });
        } catch (err) {
          if (!(err instanceof PasswordRefusedError)) throw err;
          const locale = negotiateLocale({ acceptLanguage: ctx.get('accept-language') || undefined, allowed: tenant.settings.locales, fallback: tenant.settings.defaultLocale ?? undefined });
          throw err.localized(locale, 'body.password');
        }
        return { body: { ...toUserView(await services.users.getById(tenant, user.id)), must_change_password: true } };
      },
    }),
  ];
}
