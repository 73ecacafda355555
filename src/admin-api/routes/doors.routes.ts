import { z } from 'zod';
import type { DoorDoc } from '../../doors/door.model.js';
import { DOOR_KEY } from '../../doors/door.service.js';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Page, TenantParams, paged } from '../schemas.js';

export const DoorKey = z.string().regex(DOOR_KEY, 'lower-case letters, digits and dashes, 1-64 characters');
const DoorName = z.string().trim().min(1).max(200);
const DoorView = z.object({ key: z.string(), name: z.string(), archived_at: z.string().nullable(), created_at: z.string(), updated_at: z.string() });
const DoorCreate = z.strictObject({ key: DoorKey, name: DoorName });
const DoorUpdate = z.strictObject({ name: DoorName });
export const DoorParams = TenantParams.extend({ doorKey: DoorKey });
const DoorQuery = Page.extend({ include_archived: z.stringbool().default(false) });

/** Doors are the building's layout: a tenant admin changes them, a user manager reads them to grant. */
const READERS = ['tenant_admin', 'user_manager'] as const;
const WRITERS = ['tenant_admin'] as const;

function toDoorView(d: DoorDoc): z.infer<typeof DoorView> {
  return {
    key: d.key,
    name: d.name,
    archived_at: d.archivedAt?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

export function doorRoutes(services: Services): RouteSpec[] {
  return [
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof DoorCreate>>({
      method: 'post',
      path: '/tenants/{tenant}/doors',
      operationId: 'createDoor',
      summary: 'Create a door; its key is the door_id lock back-ends see in tokens and cannot change',
      tag: 'doors',
      access: { scope: 'tenant', roles: WRITERS },
      params: TenantParams,
      body: DoorCreate,
      responses: { 201: { description: 'Created', schema: DoorView }, 409: { description: 'The key is taken' } },
      handler: async ({ tenant, body }) => ({ status: 201, body: toDoorView(await services.doors.create(tenant._id, body)) }),
    }),
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof DoorQuery>>({
      method: 'get',
      path: '/tenants/{tenant}/doors',
      operationId: 'listDoors',
      summary: 'List doors by key, archived ones only when asked; cursor pagination',
      tag: 'doors',
      access: { scope: 'tenant', roles: READERS },
      params: TenantParams,
      query: DoorQuery,
      responses: { 200: { description: 'A page of doors', schema: paged(DoorView) } },
      handler: async ({ tenant, query }) => {
        const page = await services.doors.list(tenant._id, { includeArchived: query.include_archived, cursor: query.cursor, limit: query.limit });
        return { body: { items: page.items.map(toDoorView), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute<z.infer<typeof DoorParams>>({
      method: 'get',
      path: '/tenants/{tenant}/doors/{doorKey}',
      operationId: 'getDoor',
      summary: 'Read a door',
      tag: 'doors',
      access: { scope: 'tenant', roles: READERS },
      params: DoorParams,
      responses: { 200: { description: 'The door', schema: DoorView } },
      handler: async ({ tenant, params }) => ({ body: toDoorView(await services.doors.getByKey(tenant._id, params.doorKey)) }),
    }),
    defineRoute<z.infer<typeof DoorParams>, unknown, z.infer<typeof DoorUpdate>>({
      method: 'patch',
      path: '/tenants/{tenant}/doors/{doorKey}',
      operationId: 'renameDoor',
      summary: 'Rename a door; its key stays',
      tag: 'doors',
      access: { scope: 'tenant', roles: WRITERS },
      params: DoorParams,
      body: DoorUpdate,
      responses: { 200: { description: 'The door', schema: DoorView } },
      handler: async ({ tenant, params, body }) => ({ body: toDoorView(await services.doors.rename(tenant._id, params.doorKey, body.name)) }),
    }),
    defineRoute<z.infer<typeof DoorParams>>({
      method: 'post',
      path: '/tenants/{tenant}/doors/{doorKey}/archive',
      operationId: 'archiveDoor',
      summary: 'Archive a door: it leaves new tokens and takes no new grants; its history stays',
      tag: 'doors',
      access: { scope: 'tenant', roles: WRITERS },
      params: DoorParams,
      responses: { 200: { description: 'The door', schema: DoorView }, 409: { description: 'Already archived' } },
      handler: async ({ tenant, params }) => ({ body: toDoorView(await services.doors.archive(tenant._id, params.doorKey)) }),
    }),
  ];
}
