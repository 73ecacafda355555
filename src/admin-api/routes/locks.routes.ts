import { z } from 'zod';
import type { LockView } from '../../access/lock.service.js';
import type { LockStatusDoc } from '../../access/lock-status.model.js';
import { STATUS_HISTORY_SIZE } from '../../access/lock-status.model.js';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Id, Page, TenantParams, paged, patchBody } from '../schemas.js';
import { DoorKey } from './doors.routes.js';

const LockName = z.string().trim().min(1).max(200);
const Text = z.string().trim().min(1).max(100).nullable();
const StatusView = z.object({
  battery: z.number().nullable(),
  firmware_version: z.string().nullable(),
  error_codes: z.array(z.string()),
  time: z.string().describe('when the lock measured it, by its clock'),
  received_at: z.string(),
});
const LockView = z.object({
  id: z.string(),
  name: z.string(),
  doors: z.array(z.string()).describe('keys of the doors the lock serves: it may ask about these only'),
  model: z.string().nullable(),
  firmware_version: z.string().nullable(),
  client_id: z.string().describe('its OAuth client: private_key_jwt with the key registered at creation'),
  status: StatusView.nullable().describe('the latest status report'),
  retired_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
const LockCreate = z.strictObject({
  name: LockName,
  doors: z.array(DoorKey).max(500),
  model: Text.optional(),
  firmware_version: Text.optional(),
  jwk: z.record(z.string(), z.unknown()).describe('the public key (EC P-256, Ed25519 or RSA) the lock signs its client assertions with; never the private key'),
});
const LockUpdate = patchBody(z.strictObject({ name: LockName.optional(), doors: z.array(DoorKey).max(500).optional(), model: Text.optional(), firmware_version: Text.optional() }));
const LockParams = TenantParams.extend({ lockId: Id });
const LockQuery = Page.extend({ include_retired: z.stringbool().default(false) });
const HistoryQuery = z.object({ limit: z.coerce.number().int().min(1).max(STATUS_HISTORY_SIZE).default(STATUS_HISTORY_SIZE) });

/** Locks are part of the building like doors: a tenant admin manages them, a user manager reads them. */
const READERS = ['tenant_admin', 'user_manager'] as const;
const WRITERS = ['tenant_admin'] as const;

function toStatusView(s: Omit<LockStatusDoc, '_id' | 'tenantId' | 'lockId'>): z.infer<typeof StatusView> {
  return { battery: s.battery, firmware_version: s.firmwareVersion, error_codes: s.errorCodes, time: s.reportedAt.toISOString(), received_at: s.receivedAt.toISOString() };
}

function toLockView(l: LockView): z.infer<typeof LockView> {
  return {
    id: l._id,
    name: l.name,
    doors: l.doors,
    model: l.model,
    firmware_version: l.firmwareVersion,
    client_id: l.clientId,
    status: l.status ? toStatusView(l.status) : null,
    retired_at: l.retiredAt?.toISOString() ?? null,
    created_at: l.createdAt.toISOString(),
    updated_at: l.updatedAt.toISOString(),
  };
}

export function lockRoutes(services: Services): RouteSpec[] {
  const route = { tag: 'locks', access: { scope: 'tenant', roles: WRITERS } } as const;
  const read = { ...route, access: { scope: 'tenant', roles: READERS } } as const;
  return [
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof LockCreate>>({
      ...route,
      method: 'post',
      path: '/tenants/{tenant}/locks',
      operationId: 'createLock',
      summary: 'Register a lock (or its back-end): it becomes an OAuth client of the tenant authenticating with private_key_jwt',
      params: TenantParams,
      body: LockCreate,
      responses: { 201: { description: 'Created; client_id is what the lock authenticates as', schema: LockView } },
      handler: async ({ tenant, body }) => {
        const { firmware_version, ...rest } = body;
        return { status: 201, body: toLockView(await services.locks.create(tenant._id, { ...rest, firmwareVersion: firmware_version })) };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof LockQuery>>({
      ...read,
      method: 'get',
      path: '/tenants/{tenant}/locks',
      operationId: 'listLocks',
      summary: 'List locks, retired ones only when asked; cursor pagination',
      params: TenantParams,
      query: LockQuery,
      responses: { 200: { description: 'A page of locks', schema: paged(LockView) } },
      handler: async ({ tenant, query }) => {
        const page = await services.locks.list(tenant._id, { includeRetired: query.include_retired, cursor: query.cursor, limit: query.limit });
        return { body: { items: page.items.map(toLockView), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute<z.infer<typeof LockParams>>({
      ...read,
      method: 'get',
      path: '/tenants/{tenant}/locks/{lockId}',
      operationId: 'getLock',
      summary: 'Read a lock with its latest status',
      params: LockParams,
      responses: { 200: { description: 'The lock', schema: LockView } },
      handler: async ({ tenant, params }) => ({ body: toLockView(await services.locks.get(tenant._id, params.lockId)) }),
    }),
    defineRoute<z.infer<typeof LockParams>, unknown, z.infer<typeof LockUpdate>>({
      ...route,
      method: 'patch',
      path: '/tenants/{tenant}/locks/{lockId}',
      operationId: 'updateLock',
      summary: 'Change a lock: its name, the doors it serves, its model or firmware version',
      params: LockParams,
      body: LockUpdate,
      responses: { 200: { description: 'The lock', schema: LockView }, 409: { description: 'The lock is retired' } },
      handler: async ({ tenant, params, body }) => {
        const { firmware_version, ...rest } = body;
        return { body: toLockView(await services.locks.update(tenant._id, params.lockId, { ...rest, firmwareVersion: firmware_version })) };
      },
    }),
    defineRoute<z.infer<typeof LockParams>>({
      ...route,
      method: 'post',
      path: '/tenants/{tenant}/locks/{lockId}/retire',
      operationId: 'retireLock',
      summary: 'Retire a lock: its client is deleted and its tokens end; the record stays',
      params: LockParams,
      responses: { 200: { description: 'The lock', schema: LockView }, 409: { description: 'Already retired' } },
      handler: async ({ tenant, params }) => ({ body: toLockView(await services.locks.retire(tenant._id, params.lockId)) }),
    }),
    defineRoute<z.infer<typeof LockParams>, z.infer<typeof HistoryQuery>>({
      ...read,
      method: 'get',
      path: '/tenants/{tenant}/locks/{lockId}/status-history',
      operationId: 'lockStatusHistory',
      summary: `A lock's status reports, newest first; the last ${STATUS_HISTORY_SIZE} are kept`,
      params: LockParams,
      query: HistoryQuery,
      responses: { 200: { description: 'Status reports', schema: z.object({ items: z.array(StatusView) }) } },
      handler: async ({ tenant, params, query }) => ({ body: { items: (await services.locks.statusHistory(tenant._id, params.lockId, query.limit)).map(toStatusView) } }),
    }),
  ];
}
