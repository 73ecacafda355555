import { z } from 'zod';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Id, TenantParams } from '../schemas.js';

const UserParams = TenantParams.extend({ userId: Id });
const SessionView = z.object({
  handle: z.string(),
  signed_in_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  client_ids: z.array(z.string()),
  amr: z.array(z.string()),
  // By name only, read when the person signed in; null for sessions from before, or without a User-Agent.
  device: z.object({ browser: z.string().nullable(), os: z.string().nullable() }).nullable(),
});
const MANAGERS = ['tenant_admin', 'user_manager'] as const;

/** A user's sign-in sessions, as admins see and end them (the user does the same on /t/<slug>/account/sessions). */
export function sessionRoutes(services: Services): RouteSpec[] {
  return [
    defineRoute<z.infer<typeof UserParams>>({
      method: 'get',
      path: '/tenants/{tenant}/users/{userId}/sessions',
      operationId: 'listUserSessions',
      summary: "List a user's active sign-in sessions",
      tag: 'users',
      access: { scope: 'tenant', roles: MANAGERS },
      params: UserParams,
      responses: { 200: { description: 'The sessions, newest sign-in first', schema: z.object({ items: z.array(SessionView) }) } },
      handler: async ({ tenant, params }) => {
        const user = await services.users.getById(tenant, params.userId);
        const items = (await services.sessions.list(tenant._id, user.id)).map((s) => ({
          handle: s.handle,
          signed_in_at: s.signedInAt?.toISOString() ?? null,
          expires_at: s.expiresAt?.toISOString() ?? null,
          client_ids: s.clientIds,
          amr: s.amr,
          device: s.device && { browser: s.device.browser ?? null, os: s.device.os ?? null },
        }));
        return { body: { items } };
      },
    }),
    defineRoute<z.infer<typeof UserParams>>({
      method: 'post',
      path: '/tenants/{tenant}/users/{userId}/sessions/revoke',
      operationId: 'revokeUserSessions',
      summary: "End all of a user's sessions, grants and tokens (refresh tokens included)",
      tag: 'users',
      access: { scope: 'tenant', roles: MANAGERS },
      params: UserParams,
      responses: { 200: { description: 'How many sessions were ended', schema: z.object({ sessions_ended: z.number() }) } },
      handler: async ({ tenant, params }) => {
        const user = await services.users.getById(tenant, params.userId);
        return { body: { sessions_ended: await services.sessions.endAll(tenant._id, user.id) } };
      },
    }),
  ];
}
