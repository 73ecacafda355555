import { z } from 'zod';
import type { DoorPermission } from '../../doors/door-permission.service.js';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Id, Page, TenantParams, Timestamp, paged } from '../schemas.js';
import { DoorKey, DoorParams } from './doors.routes.js';
import { RoleName } from './roles.routes.js';

const Holder = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('user'), id: Id }), z.strictObject({ type: z.literal('role'), id: RoleName })]);
const GrantBody = z
  .strictObject({ door: DoorKey, holder: Holder, valid_from: Timestamp.optional(), valid_until: Timestamp.optional() })
  .refine((g) => !g.valid_from || !g.valid_until || g.valid_until > g.valid_from, { path: ['valid_until'], message: 'must be later than valid_from' });
const ListQuery = Page.extend({
  door: DoorKey.optional(),
  holder_type: z.enum(['user', 'role']).optional(),
  holder_id: z.union([Id, RoleName]).optional(),
  include_revoked: z.stringbool().default(false),
});
const AtQuery = z.object({ at: Timestamp.optional() });
const PermissionParams = TenantParams.extend({ permissionId: Id });
const UserParams = TenantParams.extend({ userId: Id });
const Window = { valid_from: z.string().nullable(), valid_until: z.string().nullable() };
const PermissionView = z.object({
  id: z.string(),
  door: z.string(),
  holder: z.object({ type: z.enum(['user', 'role']), id: z.string() }),
  ...Window,
  granted_at: z.string(),
  granted_by: z.string(),
  revoked_at: z.string().nullable(),
  revoked_by: z.string().nullable(),
});
const HeldView = z.object({
  user_id: z.string(),
  at: z.string(),
  roles: z.array(z.string()).describe('The roles the user held at `at`'),
  items: z.array(PermissionView),
});
const AccessView = z.object({
  door: z.string(),
  at: z.string(),
  users: z
    .array(z.object({ user_id: z.string(), permission_id: z.string(), via_role: z.string().nullable(), ...Window }))
    .describe('Everyone who could open it: through a grant of their own (via_role null) or of a role they held at `at`'),
  roles: z.array(z.object({ role: z.string(), permission_id: z.string(), ...Window })),
});

/** Granting doors is part of managing people; the history is read by the same people. */
const MANAGERS = ['tenant_admin', 'user_manager'] as const;
/**
 * Who could open a door at a moment is the other half of an audit of who did (access events): auditors read
 * it too. It names user ids and roles only, as the access events do.
 */
const OPENER_READERS = [...MANAGERS, 'auditor'] as const;

function toPermissionView(p: DoorPermission): z.infer<typeof PermissionView> {
  return {
    id: p._id,
    door: p.doorKey,
    holder: { type: p.holderType, id: p.holderId },
    valid_from: p.validFrom?.toISOString() ?? null,
    valid_until: p.validUntil?.toISOString() ?? null,
    granted_at: p.grantedAt.toISOString(),
    granted_by: p.grantedBy,
    revoked_at: p.revokedAt?.toISOString() ?? null,
    revoked_by: p.revokedBy ?? null,
  };
}

function windowOf(p: DoorPermission) {
  return { permission_id: p._id, valid_from: p.validFrom?.toISOString() ?? null, valid_until: p.validUntil?.toISOString() ?? null };
}

export function doorPermissionRoutes(services: Services): RouteSpec[] {
  const route = { tag: 'door-permissions', access: { scope: 'tenant', roles: MANAGERS } } as const;
  return [
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof GrantBody>>({
      ...route,
      method: 'post',
      path: '/tenants/{tenant}/door-permissions',
      operationId: 'grantDoorPermission',
      summary: 'Grant a door to a user or a defined role, optionally inside a validity window',
      params: TenantParams,
      body: GrantBody,
      responses: { 201: { description: 'Granted', schema: PermissionView }, 409: { description: 'The door is archived, or (`urn:doorway:problem:processing-restricted`) the user is restricted' } },
      handler: async ({ tenant, body }) => {
        const door = await services.doors.getByKey(tenant._id, body.door);
        const input = { doorId: door._id, holderType: body.holder.type, holderId: body.holder.id, validFrom: body.valid_from, validUntil: body.valid_until };
        return { status: 201, body: toPermissionView(await services.doorPermissions.grant(tenant._id, input)) };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof ListQuery>>({
      ...route,
      method: 'get',
      path: '/tenants/{tenant}/door-permissions',
      operationId: 'listDoorPermissions',
      summary: 'List grants by door or holder, revoked ones only when asked; cursor pagination',
      params: TenantParams,
      query: ListQuery,
      responses: { 200: { description: 'A page of grants', schema: paged(PermissionView) } },
      handler: async ({ tenant, query }) => {
        const doorId = query.door ? (await services.doors.getByKey(tenant._id, query.door))._id : undefined;
        const filter = { doorId, holderType: query.holder_type, holderId: query.holder_id, includeRevoked: query.include_revoked };
        const page = await services.doorPermissions.list(tenant._id, { ...filter, cursor: query.cursor, limit: query.limit });
        return { body: { items: page.items.map(toPermissionView), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute<z.infer<typeof PermissionParams>>({
      ...route,
      method: 'delete',
      path: '/tenants/{tenant}/door-permissions/{permissionId}',
      operationId: 'revokeDoorPermission',
      summary: 'Revoke a grant from now on; it stays in the history with who revoked it and when',
      params: PermissionParams,
      responses: { 200: { description: 'The revoked grant', schema: PermissionView }, 409: { description: 'Already revoked' } },
      handler: async ({ tenant, params }) => ({ body: toPermissionView(await services.doorPermissions.revoke(tenant._id, params.permissionId)) }),
    }),
    defineRoute<z.infer<typeof UserParams>, z.infer<typeof AtQuery>>({
      ...route,
      method: 'get',
      path: '/tenants/{tenant}/users/{userId}/door-permissions',
      operationId: 'userDoorPermissionsAt',
      summary: 'The grants a user held at `at` (default now), directly or through a role they held at `at`',
      params: UserParams,
      query: AtQuery,
      responses: { 200: { description: 'The grants in force', schema: HeldView } },
      handler: async ({ tenant, params, query }) => {
        const user = await services.users.getById(tenant, params.userId);
        const at = query.at ?? new Date();
        const { roles, grants } = await services.doorPermissions.history.heldAt(tenant._id, user, at);
        return { body: { user_id: user.id, at: at.toISOString(), roles, items: grants.map(toPermissionView) } };
      },
    }),
    defineRoute<z.infer<typeof DoorParams>, z.infer<typeof AtQuery>>({
      ...route,
      access: { scope: 'tenant', roles: OPENER_READERS },
      method: 'get',
      path: '/tenants/{tenant}/doors/{doorKey}/access',
      operationId: 'doorAccessAt',
      summary: 'Who could open a door at `at` (default now): users with a grant of their own or through a role they held at `at`, and the roles with a grant',
      params: DoorParams,
      query: AtQuery,
      responses: { 200: { description: 'The holders in force', schema: AccessView } },
      handler: async ({ tenant, params, query }) => {
        const door = await services.doors.getByKey(tenant._id, params.doorKey);
        const at = query.at ?? new Date();
        const { grants, roleHolders } = await services.doorPermissions.history.openersAt(tenant._id, door, at);
        const roleGrants = grants.filter((g) => g.holderType === 'role');
        const users = [
          ...grants.filter((g) => g.holderType === 'user').map((g) => ({ user_id: g.holderId, ...windowOf(g), via_role: null })),
          ...roleGrants.flatMap((g) => (roleHolders.get(g.holderId) ?? []).map((userId) => ({ user_id: userId, ...windowOf(g), via_role: g.holderId }))),
        ];
        const roles = roleGrants.map((g) => ({ role: g.holderId, ...windowOf(g) }));
        return { body: { door: door.key, at: at.toISOString(), users, roles } };
      },
    }),
  ];
}
