import { z } from 'zod';
import type { Services } from '../../services.js';
import type { User } from '../../users/user.service.js';
import { assertMayChangeAdminRoles, roleWarnings } from '../admin-roles.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Email, ID_PATTERN, Id, Locale, Page, TenantParams, paged, patchBody } from '../schemas.js';

const Name = z.string().trim().min(1).max(200);
const Role = z.string().regex(/^[a-z][a-z0-9_:-]{0,63}$/, 'lower-case role name');
export const UserView = z.object({
  id: z.string(),
  email: z.string().optional(),
  email_verified: z.boolean(),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  phone: z.string().optional(),
  locale: z.string().optional(),
  roles: z.array(z.string()),
  status: z.enum(['invited', 'active', 'locked', 'restricted', 'anonymized']),
  last_active_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
const Fields = {
  email: Email,
  name: Name.optional(),
  given_name: Name.optional(),
  family_name: Name.optional(),
  phone: z.string().regex(/^\+?[0-9 ()-]{5,30}$/, 'a phone number').optional(),
  locale: Locale.optional(),
  roles: z.array(Role).max(50),
};
const UserCreate = z.strictObject({ ...Fields, roles: Fields.roles.default([]) });
// Not UserCreate.partial(): its default would turn a PATCH that leaves roles out into one that removes them all.
const UserUpdate = patchBody(z.strictObject(Fields).partial());
const UserParams = TenantParams.extend({ userId: Id });
/** Up to a page of user ids, comma-separated: the people a page names (access events, say) in one request. */
const MAX_IDS = 100;
const Ids = z
  .string()
  .regex(new RegExp(`^${ID_PATTERN}(,${ID_PATTERN}){0,${MAX_IDS - 1}}$`), `up to ${MAX_IDS} user ids, separated by commas`)
  .describe(`only these users (up to ${MAX_IDS} ids, comma-separated); ids of no user of the tenant are left out`);
const UserQuery = Page.extend({ email: Email.optional(), status: UserView.shape.status.optional(), role: Role.optional(), ids: Ids.optional() });

const MANAGERS = ['tenant_admin', 'user_manager'] as const;

export function toUserView(u: User): z.infer<typeof UserView> {
  return {
    id: u.id,
    email: u.email,
    email_verified: u.emailVerified,
    name: u.name,
    given_name: u.givenName,
    family_name: u.familyName,
    phone: u.phone,
    locale: u.locale,
    roles: u.roles,
    status: u.status,
    last_active_at: u.lastActiveAt?.toISOString() ?? null,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
  };
}

function toPatch(body: Partial<z.infer<typeof UserCreate>>) {
  return { email: body.email, name: body.name, givenName: body.given_name, familyName: body.family_name, phone: body.phone, locale: body.locale, roles: body.roles };
}

function statusRoute(services: Services, name: string, from: User['status'][], status: User['status'], action: string, summary: string): RouteSpec {
  return defineRoute<z.infer<typeof UserParams>>({
    method: 'post',
    path: `/tenants/{tenant}/users/{userId}/${name}`,
    operationId: `${name}User`,
    summary,
    tag: 'users',
    access: { scope: 'tenant', roles: MANAGERS },
    params: UserParams,
    responses: { 200: { description: 'The user', schema: UserView }, 409: { description: 'Not allowed from the current status' } },
    handler: async ({ params, tenant }) => ({ body: toUserView(await services.users.setStatus(tenant, params.userId, { from, to: status, action })) }),
  });
}

export function userRoutes(services: Services): RouteSpec[] {
  return [
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof UserQuery>, z.infer<typeof UserCreate>>({
      method: 'post',
      path: '/tenants/{tenant}/users',
      operationId: 'createUser',
      summary: 'Create a user',
      tag: 'users',
      access: { scope: 'tenant', roles: MANAGERS },
      params: TenantParams,
      body: UserCreate,
      responses: {
        201: { description: 'Created; `warnings` when a role gives access to personal data', schema: UserView, warns: true },
        403: { description: 'An admin role (tenant_admin, user_manager, auditor) given by a caller who is not a tenant_admin' },
        409: { description: 'A user of the tenant already has this email' },
      },
      handler: async ({ tenant, body, principal }) => {
        assertMayChangeAdminRoles(principal, [], body.roles);
        const user = await services.users.create(tenant, { ...toPatch(body), email: body.email, roles: body.roles });
        return { status: 201, body: toUserView(user), warnings: roleWarnings('user', user.roles) };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof UserQuery>>({
      method: 'get',
      path: '/tenants/{tenant}/users',
      operationId: 'listUsers',
      summary: 'List users; exact search by email, or the users of given ids; cursor pagination',
      tag: 'users',
      access: { scope: 'tenant', roles: MANAGERS },
      params: TenantParams,
      query: UserQuery,
      responses: { 200: { description: 'A page of users', schema: paged(UserView) } },
      handler: async ({ tenant, query }) => {
        const { ids, ...rest } = query;
        const page = await services.users.list(tenant, { ...rest, ...(ids ? { ids: ids.split(',') } : {}) });
        return { body: { items: page.items.map(toUserView), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute<z.infer<typeof UserParams>>({
      method: 'get',
      path: '/tenants/{tenant}/users/{userId}',
      operationId: 'getUser',
      summary: 'Read a user',
      tag: 'users',
      access: { scope: 'tenant', roles: MANAGERS },
      params: UserParams,
      responses: { 200: { description: 'The user', schema: UserView } },
      handler: async ({ tenant, params }) => ({ body: toUserView(await services.users.getById(tenant, params.userId)) }),
    }),
    defineRoute<z.infer<typeof UserParams>, unknown, z.infer<typeof UserUpdate>>({
      method: 'patch',
      path: '/tenants/{tenant}/users/{userId}',
      operationId: 'updateUser',
      summary: 'Update name, email, phone, locale or roles',
      tag: 'users',
      access: { scope: 'tenant', roles: MANAGERS },
      params: UserParams,
      body: UserUpdate,
      responses: {
        200: { description: 'The user; `warnings` when a role given now gives access to personal data', schema: UserView, warns: true },
        403: { description: 'An admin role given or taken away, or a user holding one changed, by a caller who is not a tenant_admin' },
        409: { description: 'Another user of the tenant has this email; or `urn:doorway:problem:processing-restricted`: the roles of a user whose processing is restricted, lift the restriction first' },
      },
      handler: async ({ tenant, params, body, principal }) => {
        const current = await services.users.getById(tenant, params.userId);
        if (body.roles) assertMayChangeAdminRoles(principal, current.roles, body.roles);
        const updated = await services.users.update(tenant, params.userId, toPatch(body));
        return { body: toUserView(updated), warnings: roleWarnings('user', updated.roles, current.roles) };
      },
    }),
    defineRoute<z.infer<typeof UserParams>>({
      method: 'delete',
      path: '/tenants/{tenant}/users/{userId}',
      operationId: 'deleteUser',
      summary: 'Delete a user and end their sessions, grants and tokens',
      tag: 'users',
      access: { scope: 'tenant', roles: MANAGERS },
      params: UserParams,
      responses: { 204: { description: 'Deleted' }, 507: { description: 'The backup folder has no room for the erasure\'s tombstone: nothing was changed; free space and try again' } },
      handler: async ({ tenant, params }) => {
        await services.users.delete(tenant, params.userId);
        return {};
      },
    }),
    // A user the lockout locked may be locked again by an admin: the lock becomes theirs, which a password reset does not lift.
    statusRoute(services, 'lock', ['active', 'locked'], 'locked', 'user.locked', 'Lock a user: no sign-in, sessions and tokens ended; only an admin lifts it'),
    statusRoute(services, 'unlock', ['locked'], 'active', 'user.unlocked', 'Unlock a user'),
    statusRoute(services, 'restrict', ['active', 'locked'], 'restricted', 'user.restricted', 'Restrict processing: data kept, not used'),
    statusRoute(services, 'unrestrict', ['restricted'], 'active', 'user.unrestricted', 'Lift a restriction of processing'),
  ];
}
