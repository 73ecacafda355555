import { z } from 'zod';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Id, TenantParams } from '../schemas.js';

const UserParams = TenantParams.extend({ userId: Id });
const MfaView = z.object({
  totp: z.object({ created_at: z.string(), last_used_at: z.string().nullable() }).nullable(),
  passkeys: z.array(z.object({ id: z.string(), device_type: z.string().nullable(), created_at: z.string(), last_used_at: z.string().nullable() })),
  recovery_codes_left: z.number(),
});

/** What an admin sees of a user's second factors (never a secret), and the reset for a lost device. */
export function mfaRoutes(services: Services): RouteSpec[] {
  return [
    defineRoute<z.infer<typeof UserParams>>({
      method: 'get',
      path: '/tenants/{tenant}/users/{userId}/mfa',
      operationId: 'getUserMfa',
      summary: "List a user's second factors",
      tag: 'users',
      access: { scope: 'tenant', roles: ['tenant_admin', 'user_manager'] },
      params: UserParams,
      responses: { 200: { description: "The user's second factors", schema: MfaView } },
      handler: async ({ tenant, params }) => {
        await services.users.getById(tenant, params.userId);
        const s = await services.mfa.summary(tenant._id, params.userId);
        const iso = (d?: Date) => d?.toISOString() ?? null;
        return {
          body: {
            totp: s.totp && { created_at: s.totp.createdAt.toISOString(), last_used_at: iso(s.totp.lastUsedAt) },
            passkeys: s.passkeys.map((p) => ({ id: p.id, device_type: p.deviceType ?? null, created_at: p.createdAt.toISOString(), last_used_at: iso(p.lastUsedAt) })),
            recovery_codes_left: s.recoveryCodesLeft,
          },
        };
      },
    }),
    defineRoute<z.infer<typeof UserParams>>({
      method: 'delete',
      path: '/tenants/{tenant}/users/{userId}/mfa',
      operationId: 'resetUserMfa',
      summary: "Remove all of a user's second factors (a lost device); they enrol again if the tenant requires it",
      tag: 'users',
      access: { scope: 'tenant', roles: ['tenant_admin'] },
      params: UserParams,
      responses: { 204: { description: 'Removed' } },
      handler: async ({ tenant, params }) => {
        await services.users.getById(tenant, params.userId);
        await services.mfa.removeAll(tenant._id, params.userId);
        return {};
      },
    }),
  ];
}
