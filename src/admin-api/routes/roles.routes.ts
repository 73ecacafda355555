import { z } from 'zod';
import type { RoleDoc } from '../../roles/role.model.js';
import { ROLE_NAME } from '../../roles/role.service.js';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Page, TenantParams, paged } from '../schemas.js';

export const RoleName = z.string().regex(ROLE_NAME, 'lower-case role name');
const Description = z.string().trim().min(1).max(500);
const RoleView = z.object({ name: z.string(), description: z.string().nullable(), created_at: z.string(), updated_at: z.string() });
const RoleCreate = z.strictObject({ name: RoleName, description: Description.optional() });
const RoleUpdate = z.strictObject({ description: Description.nullable() });
const RoleParams = TenantParams.extend({ role: RoleName });

/** Door grants follow from roles, so only a tenant admin defines them; a user manager reads them to assign. */
const READERS = ['tenant_admin', 'user_manager'] as const;
const WRITERS = ['tenant_admin'] as const;

function toRoleView(r: RoleDoc): z.infer<typeof RoleView> {
  return { name: r.name, description: r.description ?? null, created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString() };
}

export function roleRoutes(services: Services): RouteSpec[] {
  return [
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof RoleCreate>>({
      method: 'post',
      path: '/tenants/{tenant}/roles',
      operationId: 'createRole',
      summary: 'Define a role; its name is the value of the roles claim and cannot change',
      tag: 'roles',
      access: { scope: 'tenant', roles: WRITERS },
      params: TenantParams,
      body: RoleCreate,
      responses: { 201: { description: 'Created', schema: RoleView }, 409: { description: 'The name is taken' } },
      handler: async ({ tenant, body }) => ({ status: 201, body: toRoleView(await services.roles.create(tenant._id, body)) }),
    }),
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof Page>>({
      method: 'get',
      path: '/tenants/{tenant}/roles',
      operationId: 'listRoles',
      summary: 'List roles by name; cursor pagination',
      tag: 'roles',
      access: { scope: 'tenant', roles: READERS },
      params: TenantParams,
      query: Page,
      responses: { 200: { description: 'A page of roles', schema: paged(RoleView) } },
      handler: async ({ tenant, query }) => {
        const page = await services.roles.list(tenant._id, query);
        return { body: { items: page.items.map(toRoleView), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute<z.infer<typeof RoleParams>>({
      method: 'get',
      path: '/tenants/{tenant}/roles/{role}',
      operationId: 'getRole',
      summary: 'Read a role',
      tag: 'roles',
      access: { scope: 'tenant', roles: READERS },
      params: RoleParams,
      responses: { 200: { description: 'The role', schema: RoleView } },
      handler: async ({ tenant, params }) => ({ body: toRoleView(await services.roles.getByName(tenant._id, params.role)) }),
    }),
    defineRoute<z.infer<typeof RoleParams>, unknown, z.infer<typeof RoleUpdate>>({
      method: 'patch',
      path: '/tenants/{tenant}/roles/{role}',
      operationId: 'updateRole',
      summary: "Change a role's description (null removes it)",
      tag: 'roles',
      access: { scope: 'tenant', roles: WRITERS },
      params: RoleParams,
      body: RoleUpdate,
      responses: { 200: { description: 'The role', schema: RoleView } },
      handler: async ({ tenant, params, body }) => ({ body: toRoleView(await services.roles.update(tenant._id, params.role, body)) }),
    }),
    defineRoute<z.infer<typeof RoleParams>>({
      method: 'delete',
      path: '/tenants/{tenant}/roles/{role}',
      operationId: 'deleteRole',
      summary: 'Delete a role no user holds; its open door grants are revoked, their history kept',
      tag: 'roles',
      access: { scope: 'tenant', roles: WRITERS },
      params: RoleParams,
      responses: { 204: { description: 'Deleted' }, 409: { description: 'Users still hold the role' } },
      handler: async ({ tenant, params }) => {
        await services.roles.delete(tenant._id, params.role);
        return {};
      },
    }),
  ];
}
