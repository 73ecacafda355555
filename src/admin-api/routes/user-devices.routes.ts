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

/** A user's phones (registered by the user's app at the access API), as admins list and revoke them. */
export function userDeviceRoutes(services: Services): RouteSpec[] {
  const route = { tag: 'users', access: { scope: 'tenant', roles: MANAGERS } } as const;
  return [
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
