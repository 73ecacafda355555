import { unwrap } from '../../api/api-result';
import { useConsole } from '../../app/console-context';
import { useIdsLookup } from './use-ids-lookup';
import { mayReadUsers } from './use-people';

/**
 * Whose phones the device pseudonyms on the page are, for a viewer who may read users (`GET /devices?ids=…`).
 * A pseudonym of no device of the tenant (never registered, or its person erased) maps to nothing and stays a
 * pseudonym. For anyone else nothing is read.
 */
export function useDeviceOwners(deviceIds: readonly string[]): ReadonlyMap<string, string> {
  const { api, where, person } = useConsole();
  return useIdsLookup(deviceIds, mayReadUsers(person.roles), async (chunk) => {
    const { data } = await unwrap(api.GET('/tenants/{tenant}/devices', { params: { path: { tenant: where.slug }, query: { ids: chunk.join(',') } } }));
    return data.items.map((device) => [device.id, device.user_id] as const);
  });
}
