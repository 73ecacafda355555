import { z } from 'zod';
import { toDeviceView } from '../../access/devices.routes.js';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Id, TenantParams } from '../schemas.js';

const UserParams = TenantParams.extend({ userId: Id });
const DeviceParams = UserParams.extend({ deviceId: z.string().regex(/^dev_[\w-]{22}$/) });
const DeviceView = z.object({
  id: z.string().describe('Pseudonymous device id: a keyed hash of the device key, never a hardware identifier'),
  label: z.string(),
  jkt: z.string().describe('RFC 7638 thumbprint of the device key: the `cnf.jkt` of its door keys'),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
const MANAGERS = ['tenant_admin', 'user_manager'] as const;
/** Up to a page of device pseudonyms as access events name them: whose phones a page of events shows, in one request. */
const MAX_DEVICE_IDS = 100;
const DEVICE_ID = '[A-Za-z0-9_.:-]{1,128}';
const DeviceIdsQuery = z.object({
  ids: z
    .string()
    .regex(new RegExp(`^${DEVICE_ID}(,${DEVICE_ID}){0,${MAX_DEVICE_IDS - 1}}$`), `up to ${MAX_DEVICE_IDS} device ids, separated by commas`)
    .describe(`these devices (up to ${MAX_DEVICE_IDS} ids, comma-separated); ids of no device of the tenant are left out`),
});
const DeviceOwnerView = z.object({
  id: z.string(),
  user_id: z.string().describe('whose phone it is (or was, when revoked)'),
  revoked_at: z.string().nullable(),
});

/** A user's phones (registered by the user's app at the access API), as admins list and revoke them. */
export function userDeviceRoutes(services: Services): RouteSpec[] {
  const route = { tag: 'users', access: { scope: 'tenant', roles: MANAGERS } } as const;
  return [
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof DeviceIdsQuery>>({
      ...route,
      method: 'get',
      path: '/tenants/{tenant}/devices',
      operationId: 'listDeviceOwners',
      summary: 'Whose phones these are: devices by id (as access events name them), each with its user; revoked ones included',
      params: TenantParams,
      query: DeviceIdsQuery,
      responses: { 200: { description: 'The devices of the tenant among the ids', schema: z.object({ items: z.array(DeviceOwnerView) }) } },
      handler: async ({ tenant, query }) => {
        const devices = await services.devices.byIds(tenant._id, [...new Set(query.ids.split(','))]);
        return { headers: { 'cache-control': 'no-store' }, body: { items: devices.map((d) => ({ id: d._id, user_id: d.userId, revoked_at: d.revokedAt?.toISOString() ?? null })) } };
      },
    }),
    defineRoute<z.infer<typeof UserParams>>({
      ...route,
      method: 'get',
      path: '/tenants/{tenant}/users/{userId}/devices',
      operationId: 'listUserDevices',
      summary: "List a user's registered phones, revoked ones included",
      params: UserParams,
      responses: { 200: { description: 'The devices, oldest first', schema: z.object({ items: z.array(DeviceView) }) } },
      handler: async ({ tenant, params }) => {
        const user = await services.users.getById(tenant, params.userId);
        return { body: { items: (await services.devices.list(tenant._id, user.id)).map(toDeviceView) } };
      },
    }),
    defineRoute<z.infer<typeof DeviceParams>>({
      ...route,
      method: 'delete',
      path: '/tenants/{tenant}/users/{userId}/devices/{deviceId}',
      operationId: 'revokeUserDevice',
      summary: 'Revoke a phone: no more door keys, decisions deny it (device_revoked), and the revocation list names it',
      params: DeviceParams,
      responses: { 200: { description: 'The revoked device', schema: DeviceView }, 409: { description: 'Already revoked' } },
      handler: async ({ tenant, params }) => {
        const user = await services.users.getById(tenant, params.userId);
        return { body: toDeviceView(await services.devices.revoke(tenant._id, user.id, params.deviceId)) };
      },
    }),
  ];
}
